"""Where Skein still differs from TF as vnc_api sees it. NOT collected by ../../vnc-api.spec.ts (it passes
--ignore for this folder); run by hand with SKEIN_API_HOST/SKEIN_API_PORT set. Each case fails today.

Most come from one cause: vnc_api finds action URLs by the homepage link *name* (VncApi._parse_homepage,
rel == 'action'), and TF names them 'name-to-id', 'id-to-name', 'useragent-keyvalue',
'virtual-network-ip-alloc', 'virtual-network-ip-free', 'virtual-network-subnet-ip-count' (the last three with
href '/virtual-network/%s/ip-alloc' etc.). Skein's GET / names them after their paths ('fqname-to-id',
'id-to-fqname', 'useragent-kv') and has no link for the ip-alloc family, so these calls raise
KeyError('name-to-id') etc. inside vnc_api before any request is sent.
"""
import pytest
from vnc_api.exceptions import NoIdError
from vnc_api.vnc_api import (
    IpamSubnetType,
    KeyValuePair,
    NetworkIpam,
    ProtocolType,
    SecurityGroup,
    SubnetType,
    VirtualNetwork,
    VnSubnetsType,
)


def test_fq_name_to_id_and_back(api, project):
    sg = SecurityGroup("sg-fq", project)
    api.security_group_create(sg)
    assert api.fq_name_to_id("security-group", sg.fq_name) == sg.uuid
    assert api.id_to_fq_name(sg.uuid) == sg.fq_name
    assert api.id_to_fq_name_type(sg.uuid) == (sg.fq_name, "security-group")
    # vnc_api maps the 404 to NoIdError
    with pytest.raises(NoIdError):
        api.fq_name_to_id("security-group", project.fq_name + ["nope"])


def test_read_by_fq_name(api, project):
    # every *_read(fq_name=...) goes through 'name-to-id'
    sg = SecurityGroup("sg-rfq", project)
    api.security_group_create(sg)
    assert api.security_group_read(fq_name=sg.fq_name).uuid == sg.uuid


def test_kv_store_retrieve_delete(api, name):
    api.kv_store(name, "v1")
    assert api.kv_retrieve(name) == "v1"
    api.kv_delete(name)
    with pytest.raises(NoIdError):
        api.kv_retrieve(name)


def test_kv_retrieve_without_key_lists_the_store(api, name):
    api.kv_store(name, "v1")
    listed = api.kv_retrieve()
    assert {"key": name, "value": "v1"} in listed


def test_prop_map_set_element(api, project):
    # prop_map_set_element asks 'id-to-name' for the object's type to find the map's key field
    vn = VirtualNetwork("vn-pm", project)
    api.virtual_network_create(vn)
    api.prop_map_set_element(vn.uuid, "annotations", KeyValuePair("k1", "v1"))
    assert [e[1] for e in api.prop_map_get(vn.uuid, "annotations")] == ["k1"]


def test_prop_list_positions_are_kept_strings(api, project):
    # TF (test_crud_basic.py test_prop_list_add_delete_get_element): a position is an opaque string kept as
    # given, elements come back sorted by it, an add without one gets a uuid position, and a delete removes
    # exactly that position. Skein appends whatever position an add names and reports indexes: after the
    # four adds above it answers [p1 '0', p3 '1', p4 '2', p5 '3'].
    import uuid as _uuid

    vn = VirtualNetwork("vn-ffp", project)
    api.virtual_network_create(vn)
    field = "virtual_network_fat_flow_protocols"
    api.prop_list_add_element(vn.uuid, field, ProtocolType(protocol="p1", port=1))
    api.prop_list_add_element(vn.uuid, field, {"protocol": "p3", "port": 3}, "0.1")
    api.prop_list_add_element(vn.uuid, field, {"protocol": "p4", "port": 4}, "0.0")
    api.prop_list_add_element(vn.uuid, field, {"protocol": "p5", "port": 5}, ".00")
    got = api.prop_list_get(vn.uuid, field)
    assert [(e[0]["protocol"], e[1]) for e in got[:3]] == [("p5", ".00"), ("p4", "0.0"), ("p3", "0.1")]
    _uuid.UUID(got[-1][1])
    api.prop_list_delete_element(vn.uuid, field, "0.1")
    api.prop_list_delete_element(vn.uuid, field, ".00")
    assert [e[1] for e in api.prop_list_get(vn.uuid, field)][:1] == ["0.0"]


def _vn_with_subnet(api, project, cidr, plen):
    ipam = NetworkIpam("ipam-alloc", project)
    api.network_ipam_create(ipam)
    vn = VirtualNetwork("vn-alloc", project)
    vn.add_network_ipam(ipam, VnSubnetsType([IpamSubnetType(subnet=SubnetType(cidr, plen))]))
    api.virtual_network_create(vn)
    return vn


def test_ip_alloc_free_and_count(api, project):
    vn = _vn_with_subnet(api, project, "10.77.0.0", 24)
    ips = api.virtual_network_ip_alloc(vn, count=2)
    assert len(ips) == 2 and all(ip.startswith("10.77.0.") for ip in ips)
    assert api.virtual_network_subnet_ip_count(vn, ["10.77.0.0/24"]) == {"ip_count_list": [2]}
    api.virtual_network_ip_free(vn, ips)
    assert api.virtual_network_subnet_ip_count(vn, ["10.77.0.0/24"]) == {"ip_count_list": [0]}
