"""``vidscore serve``: a web page and a JSON API over the scoring pipeline (FastAPI + uvicorn).

Modules, by job:

* :mod:`scorer.service.config` — :class:`ServeConfig` (each setting's range, token rules).
* :mod:`scorer.service.uploads` — streaming multipart uploads with a size limit and generated file names.
* :mod:`scorer.service.jobs` — the bounded job queue over the batch worker pool; results in the store.
* :mod:`scorer.service.page` — the static web page.
* :mod:`scorer.service.app` — :func:`create_app`, the routes, auth and error mapping.

Needs the ``serve`` extra (``pip install 'vidscore[serve]'``).
"""
