import sys
from pathlib import Path

# make tests/helpers.py importable as "helpers"
sys.path.insert(0, str(Path(__file__).parent))

# Fuzzing profiles (tests/test_fuzz.py). "ci", the default, is bounded and derandomized so
# that CI is deterministic and quick; "long" hunts locally:
#   pytest -m fuzz --hypothesis-profile=long
from hypothesis import HealthCheck, settings

_SLOW_INPUTS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile(
    "ci",
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_INPUTS,
)
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=_SLOW_INPUTS
)
settings.load_profile("ci")
