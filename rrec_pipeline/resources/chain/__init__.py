"""The chain: the resource that names node, key and contracts, one web3 connection,
the embedded anvil node, the chain's record read back, and minting each lot once.
"""
