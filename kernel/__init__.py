"""The kernel below the apps: helpers every app may use. It imports no app of the project
(tests/test_layers.py keeps it so)."""
