import pytest


@pytest.fixture(params=["xlsx", "csv"])
def file_format(request) -> str:
    return request.param
