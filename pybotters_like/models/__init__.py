"""pybotters-compatible module paths for the exchange stores (``pybotters_like.models.<x>``).

Each submodule only re-exports its exchange's store collection from
``pybotters_like/exchanges/<x>/``, so ``from pybotters.models.bybit import BybitDataStore``
keeps working after ``import pybotters_like as pybotters``-style migrations.
"""
