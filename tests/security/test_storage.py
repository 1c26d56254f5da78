"""Issue 9, attack 8: repeated writes of the same patients keep the store near its steady size:
the write-ahead log is flushed as the store works. (tests/benchmarks/storage.py measures the
full storm: 2,000 re-PUTs of 300 patients.)"""

from tests.conftest import AS_OF, scenario_record
from trialgraph import store as store_module
from trialgraph.loading import put_records
from trialgraph.store import open_store
from trialgraph.store_location import live_path, wal_bytes


def folder_bytes(folder) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def test_re_putting_the_same_patients_keeps_the_log_short(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "WAL_LIMIT", 1024 * 1024)
    store = open_store(tmp_path / "store", tmp_path / "snapshots")
    records = [scenario_record(f"w{n}") for n in range(5)]
    put_records(store, records, AS_OF)
    steady = folder_bytes(tmp_path / "store")
    for round_ in range(8):
        for record in records:
            put_records(store, [record], AS_OF)
        assert wal_bytes(live_path(tmp_path / "store")) < 3 * 1024 * 1024, f"round {round_}"
    assert folder_bytes(tmp_path / "store") < steady + 8 * 1024 * 1024
