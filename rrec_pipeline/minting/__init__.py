"""Publication and minting, as plain rules: links, mint states, recovery, the chain's record.

No web3 and no git here: `resources/` does the talking, this package decides; the two
workflows (`publication.py`, `minter.py`) talk through the ports in `ports.py`.
"""
