"""The learned layer: per-family classifiers of collector turns, beside the rules.

``features`` turns one collector turn (with the turn before it and the dialogue
state) into sparse features; ``model`` loads a trained model file, checks it
against its card, scores turns and explains a score; ``corpus`` reads the
labelled training corpus; ``train`` fits the classifiers (``qa train``).
The ``classifier.v1`` detector in ``compliance_rules.detectors.classifier``
runs a model inside the scanner.
"""
