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


@pytest.fixture(scope="session")
def api():
    host, port = _host_port()
    # auth_type=noauth: no keystone; the API runs in its default (no-auth) mode like TF's test server.
    return VncApi(api_server_host=host, api_server_port=port, auth_type="noauth")


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
