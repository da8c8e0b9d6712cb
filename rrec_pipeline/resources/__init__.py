"""Resources: the only modules that touch the outside world (folders, APIs, git, chain).

One module per outside system; assets receive them through `build_defs`, and tests
swap in real local ones (a temporary folder, a local HTTP server, a bare repo).
"""
