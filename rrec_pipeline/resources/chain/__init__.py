"""The chain: the resource that names node, key and contracts, one web3 connection (the
`TokenNode` port of `minting/minter.py`), the embedded anvil node, the chain's record read back.
"""
