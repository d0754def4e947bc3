"""The industry data modules load and generate their data without importing TensorFlow or Keras."""

import subprocess
import sys

SMOKE = """
import sys
from bmlearn.data import (
    load_churn, load_churn_frame, load_credit, load_credit_frame, load_deliveries, load_drug_demand,
    load_electricity, load_movielens, make_card_fraud, make_run_to_failure,
)
load_churn(); load_churn_frame(); load_credit(); load_credit_frame(); load_deliveries()
load_drug_demand(); load_electricity(); load_movielens(); make_card_fraud(10_000); make_run_to_failure(5)
bad = [k for k in sys.modules if k.split('.')[0] in ('tensorflow', 'keras')]
print(bad); sys.exit(1 if bad else 0)
"""


def test_industry_data_never_imports_tensorflow():
    result = subprocess.run([sys.executable, "-c", SMOKE], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
