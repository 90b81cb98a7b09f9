"""Private infrastructure: the session set-up, argument checks and training helpers.

Chapters and recipes use these through the names the package exports (``du.setup``,
``du.ProgressBar``, ``du.fit``); the models and maths import them from here.
"""
