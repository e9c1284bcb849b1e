"""Model wrappers for the visual detectors: faces (YuNet), palms and hand landmarks (MediaPipe's TFLite models).

Each module here wraps one model or one piece of geometry and knows nothing about
extractors: :mod:`features.vision.boxes` (IoU, NMS), :mod:`features.vision.yunet`
(multi-scale YuNet faces), :mod:`features.vision.haar` (the Haar fallback),
:mod:`features.vision.models` (finding shipped model files and loading them once per
process), :mod:`features.vision.palm` (palm detection with SSD anchor decoding) and
:mod:`features.vision.hand_landmarks` (21 landmarks on the rotated hand crop).
The extractors reach them through :mod:`features.faces` and :mod:`features.hands`.
"""
