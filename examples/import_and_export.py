"""Import the bundled sample into a store, look at it, and export TRL pairs for DPO."""

import sys
import tempfile
from pathlib import Path

from prefkit.data import open_store, read_records, sample_paths, to_trl_pairs

folder = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp())
store = open_store(f"sqlite:///{folder / 'example.db'}")
for path in sample_paths():
    result = store.add_records(read_records(path))
    print(f"{path.name}: {result.added} judgments added")

stats = store.stats()
print(f"{stats['judgments']} judgments, {stats['prompts']} prompts, by kind {stats['by_kind']}")
pairs = to_trl_pairs(store.iter_records(), ties="drop")
print(f"{len(pairs)} TRL pairs; first chosen: {pairs[0]['chosen'][0]['content'][:50]!r}")
store.close()
