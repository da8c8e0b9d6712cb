"""Local storage: atomic writes, the Parquet warehouse and its IO manager, the issuance
ledger (DuckDB: lots, reads, holds, mints, imported history), the analysts' and the
audit's DuckDB files, the drop, registry and lot folders, and lost runs.
"""
