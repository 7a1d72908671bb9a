import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores its files apart, so that a test can tell which files an import left behind."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
