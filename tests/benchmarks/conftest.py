import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Files a benchmark uploads (``bench_import``'s workbooks) go to the test's own directory, never the project's."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
