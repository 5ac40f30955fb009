"""vnc_api's action calls: it finds their URLs by the homepage's link names (VncApi._parse_homepage, rel ==
'action'): 'name-to-id' for fq_name_to_id and every read by fq_name, 'id-to-name', 'useragent-keyvalue' for kv_*,
and 'virtual-network-ip-alloc' / '-ip-free' / '-subnet-ip-count' with a '%s' for the network's uuid.
"""
import json

import pytest
from vnc_api.exceptions import NoIdError
from vnc_api.vnc_api import (
    IpamSubnetType,
    KeyValuePair,
    NetworkIpam,
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
    # Skein counts the subnet's own reservations too (config-api.md: a fresh /24 counts 3); the subnet may be
    # named by its prefix, as vnc_api's docstring shows, or by its subnet_uuid.
    # vnc_api hands back this call's body as text.
    assert json.loads(api.virtual_network_subnet_ip_count(vn, ["10.77.0.0/24"])) == {"ip_count_list": [5]}
    api.virtual_network_ip_free(vn, ips)
    assert json.loads(api.virtual_network_subnet_ip_count(vn, ["10.77.0.0/24"])) == {"ip_count_list": [3]}
