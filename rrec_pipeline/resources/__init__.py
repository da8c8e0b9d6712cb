"""Resources: the only modules that touch the outside world, one room per outside system.

- `meters/`: meter vendors' APIs, the meter file drop and the landing zone;
- `chain/`: the node, the contracts, minting each lot once, the chain read back;
- `publishing/`: the verification-data repository (git) and the files mints pin;
- `storage/`: local files and DuckDB: the warehouse, the ledgers, the folders.

Assets receive them through `build_defs`, and tests swap in real local ones (a
temporary folder, a local HTTP server, a bare repo, an anvil node).
"""
