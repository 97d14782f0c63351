"""The classroom page: a live village in the browser (``make viz``; ``sim/viz/app.py``)."""
