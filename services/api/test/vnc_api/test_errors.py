"""Errors as vnc_api users meet them (TF's test_crud_basic.py, test_ip_alloc.py): 400 -> BadRequest,
404 -> NoIdError, 409 -> RefsExistError, and nothing is written by a refused call."""
import pytest
from vnc_api.exceptions import BadRequest, RefsExistError
from vnc_api.vnc_api import (
    FloatingIp,
    FloatingIpPool,
    InstanceIp,
    IpamSubnetType,
    SubnetType,
    VirtualMachineInterface,
    VirtualNetwork,
    VnSubnetsType,
)


def _vn(api, project, ipam, name, cidr, plen, **kw):
    vn = VirtualNetwork(name, project, **kw)
    vn.add_network_ipam(ipam, VnSubnetsType([IpamSubnetType(subnet=SubnetType(cidr, plen))]))
    api.virtual_network_create(vn)
    return vn


def test_bad_prefix_length_is_badrequest(api, project, ipam):
    vn = VirtualNetwork("vn-badlen", project)
    vn.add_network_ipam(ipam, VnSubnetsType([IpamSubnetType(subnet=SubnetType("10.3.0.0", 33))]))
    with pytest.raises(BadRequest):
        api.virtual_network_create(vn)
    names = [r["fq_name"][-1] for r in api.virtual_networks_list(parent_id=project.uuid)["virtual-networks"]]
    assert "vn-badlen" not in names


def test_instance_ip_outside_subnet_is_badrequest(api, project, ipam):
    vn = _vn(api, project, ipam, "vn-iip-out", "10.4.0.0", 24)
    iip = InstanceIp("iip-out-" + vn.uuid[:8], instance_ip_address="10.5.0.10")
    iip.add_virtual_network(vn)
    with pytest.raises(BadRequest):
        api.instance_ip_create(iip)


def test_instance_ip_fixed_address_and_conflict(api, project, ipam):
    vn = _vn(api, project, ipam, "vn-iip-fix", "10.6.0.0", 24)
    a = InstanceIp("iip-a-" + vn.uuid[:8], instance_ip_address="10.6.0.50")
    a.add_virtual_network(vn)
    api.instance_ip_create(a)
    assert api.instance_ip_read(id=a.uuid).get_instance_ip_address() == "10.6.0.50"
    b = InstanceIp("iip-b-" + vn.uuid[:8], instance_ip_address="10.6.0.50")
    b.add_virtual_network(vn)
    # TF: an address already in use is a conflict (409)
    with pytest.raises(RefsExistError):
        api.instance_ip_create(b)


def test_floating_ip_address_conflict(api, project, ipam):
    pub = _vn(api, project, ipam, "vn-fip-c", "198.51.100.0", 24, router_external=True)
    pool = FloatingIpPool("pool-c", pub)
    api.floating_ip_pool_create(pool)
    f1 = FloatingIp("f1", pool, floating_ip_address="198.51.100.20")
    f1.add_project(project)
    api.floating_ip_create(f1)
    assert api.floating_ip_read(id=f1.uuid).get_floating_ip_address() == "198.51.100.20"
    f2 = FloatingIp("f2", pool, floating_ip_address="198.51.100.20")
    f2.add_project(project)
    with pytest.raises(RefsExistError):
        api.floating_ip_create(f2)


def test_ref_to_unknown_object_is_badrequest(api, project):
    vmi = VirtualMachineInterface("p-dangling", project)
    vmi.add_virtual_network(VirtualNetwork("no-such-vn", project))
    # vnc_api sends the ref by fq_name; TF's create answers 400 'Unknown reference in resource create'
    with pytest.raises(BadRequest) as err:
        api.virtual_machine_interface_create(vmi)
    assert "no-such-vn" in str(err.value)
    names = [r["fq_name"][-1] for r in api.virtual_machine_interfaces_list(parent_id=project.uuid)["virtual-machine-interfaces"]]
    assert "p-dangling" not in names


def test_update_of_unknown_field_value_type_is_badrequest(api, project):
    vn = VirtualNetwork("vn-badtype", project)
    api.virtual_network_create(vn)
    got = api.virtual_network_read(id=vn.uuid)
    got.set_virtual_network_properties({"vxlan_network_identifier": "not-a-number"})
    with pytest.raises(BadRequest):
        api.virtual_network_update(got)
    props = api.virtual_network_read(id=vn.uuid).get_virtual_network_properties()
    assert props is None or props.vxlan_network_identifier is None
