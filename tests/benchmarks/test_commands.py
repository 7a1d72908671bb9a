"""
The benchmark commands live in the benchmarks app, under the names and with the options the README gives them.

``bench_sync`` and ``bench_sandbox`` start servers in child processes (``manage.py`` by ``sys.argv[0]``), so they are
run by hand on a copy of the database, not here: what is pinned is that what a user types still parses.
"""

import pytest
from django.core.management import get_commands, load_command_class

BENCHMARK_COMMANDS = ["bench_changelists", "bench_export", "bench_import", "bench_sandbox", "bench_sync"]


@pytest.mark.parametrize("name", BENCHMARK_COMMANDS)
def test_each_benchmark_command_is_the_benchmarks_apps(name):
    assert get_commands()[name] == "apps.benchmarks"


def test_the_demo_keeps_only_its_seed():
    assert sorted(name for name, app in get_commands().items() if app == "apps.demo") == ["seed_demo"]


@pytest.mark.parametrize(
    "arguments",
    [
        # As the README's Benchmarks section writes them.
        ["bench_changelists", "--rows", "100000"],
        ["bench_sandbox", "--requests", "2000"],
        ["bench_sync"],
        ["bench_sync", "--limits"],
        ["bench_sync", "--scenario", "invoices", "--invoices", "20000", "--time-scale", "3"],
        ["bench_sync", "--scenario", "desktop"],
        # And the options each command has always had.
        ["bench_changelists", "--rows", "10", "--keep"],
        ["bench_export", "--rows", "10", "--keep", "--no-memory"],
        ["bench_import", "--lines", "12", "--invoices", "5", "--notes", "4", "--items", "4", "--reimport"],
        ["bench_sandbox", "--customers", "10", "--threads", "1", "--server-processes", "1", "--json"],
        ["bench_sync", "--scenario", "pull", "--customers", "10", "--with-jobs", "2", "--jobs-per-customer", "1"],
        ["bench_sync", "--scenario", "items", "--items", "10", "--server-processes", "1", "--json"],
        ["bench_sync", "--scenario", "invoices", "--latency-ms", "0"],
    ],
    ids=" ".join,
)
def test_what_a_user_types_still_parses(arguments):
    name, *options = arguments
    parser = load_command_class("apps.benchmarks", name).create_parser("manage.py", name)

    parser.parse_args(options)
