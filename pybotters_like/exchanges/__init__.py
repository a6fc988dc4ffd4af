"""Exchange knowledge, one subpackage per exchange.

Each ``pybotters_like.exchanges.<name>`` package owns everything about one
exchange: hosts, REST signer, WebSocket login/ping/pacing and DataStores. The
core finds them only through :mod:`pybotters_like.exchanges.catalog`.
"""
