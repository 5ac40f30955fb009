"""CRUD of the common types through vnc_api's generated *_create/_read/_update/_delete calls.

What is asserted follows TF's test_crud_basic.py: the server fills uuid/fq_name/id_perms, an update of
one property leaves the rest, a delete makes the uuid unknown (NoIdError), a parent with children or a
referred object cannot go (RefsExistError).
"""
import pytest
from vnc_api.exceptions import NoIdError, RefsExistError
from vnc_api.vnc_api import (
    ActionListType,
    FloatingIp,
    FloatingIpPool,
    IdPermsType,
    InstanceIp,
    IpamSubnetType,
    NetworkIpam,
    NetworkPolicy,
    PolicyEntriesType,
    PolicyRuleType,
    AddressType,
    PortType,
    Project,
    SecurityGroup,
    SubnetType,
    VirtualMachineInterface,
    VirtualNetwork,
    VirtualNetworkPolicyType,
    VnSubnetsType,
)


def test_project_create_read_update_delete(api, name):
    p = Project(name, display_name="first")
    uid = api.project_create(p)
    assert p.uuid == uid
    got = api.project_read(id=uid)
    assert got.fq_name == ["default-domain", name]
    assert got.display_name == "first"
    assert got.get_id_perms().enable is True
    got.set_display_name("second")
    api.project_update(got)
    again = api.project_read(id=uid)
    assert again.display_name == "second"
    assert again.fq_name == ["default-domain", name]
    api.project_delete(id=uid)
    with pytest.raises(NoIdError):
        api.project_read(id=uid)


def test_read_unknown_uuid_is_noiderror(api):
    with pytest.raises(NoIdError):
        api.virtual_network_read(id="5c1d1f0a-0000-4000-8000-000000000000")


def test_delete_unknown_uuid_is_noiderror(api):
    with pytest.raises(NoIdError):
        api.virtual_network_delete(id="5c1d1f0a-0000-4000-8000-000000000001")


def test_parent_with_children_is_refsexisterror(api, project):
    vn = VirtualNetwork("vn-child", project)
    api.virtual_network_create(vn)
    with pytest.raises(RefsExistError):
        api.project_delete(id=project.uuid)
    api.virtual_network_delete(id=vn.uuid)


def test_duplicate_fq_name_is_refsexisterror(api, project):
    api.virtual_network_create(VirtualNetwork("vn-dup", project))
    with pytest.raises(RefsExistError):
        api.virtual_network_create(VirtualNetwork("vn-dup", project))


def test_virtual_network_with_ipam_subnets(api, project, ipam):
    vn = VirtualNetwork("vn-subnets", project)
    subnets = VnSubnetsType([IpamSubnetType(subnet=SubnetType("10.1.0.0", 24)), IpamSubnetType(subnet=SubnetType("10.2.0.0", 24))])
    vn.add_network_ipam(ipam, subnets)
    uid = api.virtual_network_create(vn)
    got = api.virtual_network_read(id=uid)
    refs = got.get_network_ipam_refs()
    assert len(refs) == 1
    assert refs[0]["to"] == ipam.fq_name
    attr = refs[0]["attr"]
    cidrs = sorted((s.subnet.ip_prefix, s.subnet.ip_prefix_len) for s in attr.ipam_subnets)
    assert cidrs == [("10.1.0.0", 24), ("10.2.0.0", 24)]
    # the server assigns each subnet a uuid and a gateway (TF: first address of the subnet)
    for s in attr.ipam_subnets:
        assert s.subnet_uuid
        assert s.default_gateway
    # the referred ipam cannot be deleted while the network uses it
    with pytest.raises(RefsExistError):
        api.network_ipam_delete(id=ipam.uuid)


def test_network_ipam_crud(api, project):
    ipam = NetworkIpam("ipam-crud", project)
    uid = api.network_ipam_create(ipam)
    got = api.network_ipam_read(id=uid)
    assert got.fq_name == project.fq_name + ["ipam-crud"]
    api.network_ipam_delete(id=uid)
    with pytest.raises(NoIdError):
        api.network_ipam_read(id=uid)


def _rule(src_vn, dst_vn, action="pass"):
    return PolicyRuleType(
        direction="<>",
        protocol="tcp",
        src_addresses=[AddressType(virtual_network=src_vn)],
        dst_addresses=[AddressType(virtual_network=dst_vn)],
        src_ports=[PortType(-1, -1)],
        dst_ports=[PortType(80, 80)],
        action_list=ActionListType(simple_action=action),
    )


def test_network_policy_attached_to_network_with_attribute(api, project):
    np = NetworkPolicy("np", project, network_policy_entries=PolicyEntriesType([_rule("any", "any")]))
    api.network_policy_create(np)
    got = api.network_policy_read(id=np.uuid)
    rules = got.get_network_policy_entries().get_policy_rule()
    assert len(rules) == 1
    assert rules[0].dst_ports[0].start_port == 80
    assert rules[0].action_list.simple_action == "pass"

    vn = VirtualNetwork("vn-np", project)
    vn.add_network_policy(np, VirtualNetworkPolicyType(sequence=None))
    api.virtual_network_create(vn)
    refs = api.virtual_network_read(id=vn.uuid).get_network_policy_refs()
    assert refs[0]["uuid"] == np.uuid
    back = api.network_policy_read(id=np.uuid).get_virtual_network_back_refs()
    assert [b["uuid"] for b in back] == [vn.uuid]
    with pytest.raises(RefsExistError):
        api.network_policy_delete(id=np.uuid)
    api.virtual_network_delete(id=vn.uuid)
    api.network_policy_delete(id=np.uuid)


def test_security_group_update_and_delete(api, project):
    sg = SecurityGroup("sg", project)
    api.security_group_create(sg)
    got = api.security_group_read(id=sg.uuid)
    assert got.fq_name == project.fq_name + ["sg"]
    got.set_display_name("web tier")
    api.security_group_update(got)
    assert api.security_group_read(id=sg.uuid).display_name == "web tier"
    api.security_group_delete(id=sg.uuid)
    with pytest.raises(NoIdError):
        api.security_group_read(id=sg.uuid)


def test_port_instance_ip_floating_ip(api, project, ipam):
    vn = VirtualNetwork("vn-port", project)
    vn.add_network_ipam(ipam, VnSubnetsType([IpamSubnetType(subnet=SubnetType("10.9.0.0", 24))]))
    api.virtual_network_create(vn)
    sg = SecurityGroup("sg-port", project)
    api.security_group_create(sg)

    vmi = VirtualMachineInterface("port1", project)
    vmi.add_virtual_network(vn)
    vmi.add_security_group(sg)
    api.virtual_machine_interface_create(vmi)
    got = api.virtual_machine_interface_read(id=vmi.uuid)
    assert got.get_virtual_network_refs()[0]["uuid"] == vn.uuid
    assert got.get_security_group_refs()[0]["uuid"] == sg.uuid
    # TF fills a MAC address on create
    assert got.get_virtual_machine_interface_mac_addresses().mac_address

    iip = InstanceIp("iip-" + vmi.uuid[:8])
    iip.add_virtual_network(vn)
    iip.add_virtual_machine_interface(vmi)
    api.instance_ip_create(iip)
    addr = api.instance_ip_read(id=iip.uuid).get_instance_ip_address()
    assert addr.startswith("10.9.0.")
    # the network cannot go while the port and its address are on it
    with pytest.raises(RefsExistError):
        api.virtual_network_delete(id=vn.uuid)

    pub = VirtualNetwork("vn-public", project, router_external=True)
    pub.add_network_ipam(ipam, VnSubnetsType([IpamSubnetType(subnet=SubnetType("192.0.2.0", 24))]))
    api.virtual_network_create(pub)
    pool = FloatingIpPool("fip-pool", pub)
    api.floating_ip_pool_create(pool)
    fip = FloatingIp("fip1", pool)
    fip.add_project(project)
    fip.add_virtual_machine_interface(vmi)
    api.floating_ip_create(fip)
    fgot = api.floating_ip_read(id=fip.uuid)
    assert fgot.get_floating_ip_address().startswith("192.0.2.")
    assert fgot.fq_name == pub.fq_name + ["fip-pool", "fip1"]
    assert fgot.get_virtual_machine_interface_refs()[0]["uuid"] == vmi.uuid

    api.floating_ip_delete(id=fip.uuid)
    api.floating_ip_pool_delete(id=pool.uuid)
    api.instance_ip_delete(id=iip.uuid)
    api.virtual_machine_interface_delete(id=vmi.uuid)
    api.virtual_network_delete(id=vn.uuid)
    with pytest.raises(NoIdError):
        api.virtual_network_read(id=vn.uuid)


def test_routing_instance_read(api, project):
    vn = VirtualNetwork("vn-ri", project)
    api.virtual_network_create(vn)
    ris = api.virtual_network_read(id=vn.uuid).get_routing_instances()
    assert ris, "a network gets its default routing instance"
    ri = api.routing_instance_read(id=ris[0]["uuid"])
    assert ri.fq_name == vn.fq_name + ["vn-ri"]
    assert ri.parent_uuid == vn.uuid


def test_id_perms_survive_update(api, project):
    vn = VirtualNetwork("vn-perms", project, id_perms=IdPermsType(enable=True, description="d1"))
    api.virtual_network_create(vn)
    got = api.virtual_network_read(id=vn.uuid)
    assert got.get_id_perms().description == "d1"
    assert got.get_id_perms().uuid is not None
    got.set_display_name("renamed")
    api.virtual_network_update(got)
    again = api.virtual_network_read(id=vn.uuid)
    assert again.display_name == "renamed"
    assert again.get_id_perms().description == "d1"
