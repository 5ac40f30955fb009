"""Fixtures for driving Skein's config API with TF's vnc_api client (see ../vnc-api.spec.ts)."""
import os
import uuid

import pytest
from vnc_api.vnc_api import VncApi


def _host_port():
    host = os.environ.get("SKEIN_API_HOST")
    port = os.environ.get("SKEIN_API_PORT")
    if not host or not port:
        pytest.exit("SKEIN_API_HOST/SKEIN_API_PORT not set: run through services/api/test/vnc-api.spec.ts", 2)
    return host, int(port)


def _client(token_var):
    host, port = _host_port()
    # The token goes in X-Auth-Token as given (auth_token=): vnc_api then never asks keystone for one.
    return VncApi(api_server_host=host, api_server_port=port, auth_token=os.environ[token_var])


@pytest.fixture(scope="session")
def api():
    """A cloud admin."""
    return _client("SKEIN_ADMIN_TOKEN")


@pytest.fixture(scope="session")
def member():
    """A tenant member whose own project is member_project."""
    return _client("SKEIN_MEMBER_TOKEN")


@pytest.fixture(scope="session")
def member_project():
    return os.environ["SKEIN_MEMBER_PROJECT"]


@pytest.fixture
def name():
    """A unique object name per test, so tests share one database without colliding."""
    return "t-" + uuid.uuid4().hex[:10]


@pytest.fixture
def project(api, name):
    from vnc_api.vnc_api import Project

    p = Project(name)
    api.project_create(p)
    return p


@pytest.fixture
def ipam(api, project):
    from vnc_api.vnc_api import NetworkIpam

    i = NetworkIpam("ipam", project)
    api.network_ipam_create(i)
    return i
