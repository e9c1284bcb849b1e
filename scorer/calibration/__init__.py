"""Calibration on the user's own videos: outcome models and reference percentiles.

Exposed by ``vidscore calibrate`` (fitting) and ``vidscore score --model MODEL`` (using).

*Outcome model* (:mod:`.fitting`): for one dimension, an additive model
``raw = intercept + sum_j f_j(x_j)`` over that dimension's rubric signals, fitted
to the user's outcome (click-through, conversion, completion, GMV, human rating)
by backfitting. Each ``f_j`` is a piecewise-linear shape through binned means of
the partial residual, shrunk toward 0 for small bins, and made monotone with
isotonic regression where the rubric says ``higher`` (increasing) or
``lower``/``penalty`` (decreasing); ``band`` items are left free. Continuous
outcomes are fitted as percentile ranks (robust to heavy tails such as GMV),
binary outcomes (0/1) as 100 x probability. An isotonic map fitted on
out-of-fold predictions turns ``raw`` into a 0-100 score: "expected percentile
of your outcome" or "probability x 100". Contributions stay exact: each signal's
points are ``f_j x (score - baseline) / (raw - intercept)``, one common positive
factor per video, so baseline + points == score.

*Reference model* (:mod:`.reference`): no labels. Each ``higher``/``lower``
signal is normalised by its percentile in the user's corpus, and each
dimension's score is the percentile of its rubric sum among the corpus: 70
means "better than 70% of your videos".

Modules, bottom to top: :mod:`.io` (results and label files), :mod:`.dimension`
(the fitted model of one dimension), :mod:`.fitting` and :mod:`.reference` (making
one), :mod:`.calibrated` (the scorer using them), :mod:`.modelfile` (the model-file
format). Nothing here imports the extractors: functions that check signals against
them take the registered extractor classes as an argument.
"""
