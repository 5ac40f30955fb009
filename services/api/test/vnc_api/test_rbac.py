"""vnc_api as a tenant member in rbac mode (TF's test_rbac.py / test_perms2.py): a refused call raises
PermissionDenied and changes nothing; a project-scoped api-access-list grants the member its own objects."""
import pytest
from vnc_api.exceptions import NoIdError, PermissionDenied
from vnc_api.vnc_api import (
    ApiAccessList,
    RbacPermType,
    RbacRuleEntriesType,
    RbacRuleType,
    SecurityGroup,
)


def test_member_without_rules_is_refused(api, member, member_project):
    mp = api.project_read(id=member_project)
    with pytest.raises(PermissionDenied):
        member.security_group_create(SecurityGroup("sg-norule", mp))
    with pytest.raises(PermissionDenied):
        member.project_read(id=member_project)
    # nothing was written
    names = [r["fq_name"][-1] for r in api.security_groups_list(parent_id=member_project)["security-groups"]]
    assert "sg-norule" not in names


def test_member_may_not_chown_others_objects(api, member, member_project, project):
    sg = SecurityGroup("sg-notmine", project)
    api.security_group_create(sg)
    before = api.security_group_read(id=sg.uuid).get_perms2().owner
    with pytest.raises(PermissionDenied):
        member.chown(sg.uuid, member_project)
    assert api.security_group_read(id=sg.uuid).get_perms2().owner == before


def test_project_access_list_grants_member_its_own_objects(api, member, member_project, project):
    mp = api.project_read(id=member_project)
    rules = RbacRuleEntriesType(
        [
            RbacRuleType(rule_object="security-group", rule_field="*", rule_perms=[RbacPermType("member", "CRUD")]),
            RbacRuleType(rule_object="project", rule_field="*", rule_perms=[RbacPermType("member", "R")]),
        ]
    )
    acl = ApiAccessList("default-api-access-list", mp, api_access_list_entries=rules)
    api.api_access_list_create(acl)
    try:
        sg = SecurityGroup("sg-mine", mp)
        member.security_group_create(sg)
        assert member.security_group_read(id=sg.uuid).fq_name == mp.fq_name + ["sg-mine"]
        assert member.project_read(id=member_project).fq_name == mp.fq_name
        # another tenant's project stays out of reach (perms2 ownership, not the rules)
        with pytest.raises((PermissionDenied, NoIdError)):
            member.security_group_create(SecurityGroup("sg-theirs", project))
        member.security_group_delete(id=sg.uuid)
    finally:
        api.api_access_list_delete(id=acl.uuid)
