"""Prices as dated assumptions: an amount, its unit, the month it was read and where.

A price is not a fact about a model: it changes every few months, differs by
provider, region and commitment, and is negotiated at volume. The calculators
of :mod:`bmlearn.business` therefore take every price as an argument, and the
examples below carry the month and the page they were read from, so that a
reader sees at once what to replace with today's figure.

- :class:`Price`: an amount (validated non-negative), a unit, an ISO date
  (``"2024-06"`` or ``"2024-06-15"``) and a source.
- :data:`EXAMPLE_PRICES`: a few example list prices, by name: the on-demand
  rental of one GPU for one hour (named as in
  :data:`bmlearn.scaling.DEVICE_PEAKS`), and API prices per million input
  and output tokens. They were written from memory of the providers' public
  price pages, without network access to check them: they are examples of
  the order of magnitude, not quotes.
- :data:`EXAMPLE_GPU_HOUR_PRICES` and :data:`EXAMPLE_API_PRICES`: the same
  entries split by unit.

No other module of :mod:`bmlearn` holds a price.
"""

from __future__ import annotations

import dataclasses
import datetime
import re

from bmlearn.validation import check_scalar

__all__ = [
    "Price",
    "GPU_HOUR",
    "PER_MILLION_INPUT_TOKENS",
    "PER_MILLION_OUTPUT_TOKENS",
    "EXAMPLE_PRICES",
    "EXAMPLE_GPU_HOUR_PRICES",
    "EXAMPLE_API_PRICES",
]

#: The unit of a GPU's rental price.
GPU_HOUR = "USD per GPU-hour"
#: The units of an API's token prices.
PER_MILLION_INPUT_TOKENS = "USD per million input tokens"
PER_MILLION_OUTPUT_TOKENS = "USD per million output tokens"

_ISO = re.compile(r"\d{4}-\d{2}(-\d{2})?")


@dataclasses.dataclass(frozen=True)
class Price:
    """A price with the date it was read and where: an assumption, not a fact.

    Attributes:
        amount: the price, ``>= 0``, in ``unit``.
        unit: what the amount buys, e.g. :data:`GPU_HOUR` ("USD per GPU-hour").
        as_of: the month (``"2024-06"``) or day (``"2024-06-15"``) it was read, ISO 8601.
        source: the page or document it was read from, and any caveat.

    Raises:
        ValueError: for a negative or non-finite amount, an empty unit or
            source, or a date that is not an ISO month or day.

    Example:
        >>> p = Price(2.0, GPU_HOUR, "2024-06", "example")
        >>> p.amount * 10  # ten GPU-hours
        20.0
        >>> str(p)
        '2.00 USD per GPU-hour (as of 2024-06; example)'
        >>> Price(-1, GPU_HOUR, "2024-06", "example")
        Traceback (most recent call last):
        ...
        ValueError: amount must be a finite number >= 0, but received -1.
        >>> Price(1, GPU_HOUR, "June 2024", "example")
        Traceback (most recent call last):
        ...
        ValueError: as_of must be an ISO month or date such as '2024-06' or '2024-06-15', but
        received 'June 2024'.
    """

    amount: float
    unit: str
    as_of: str
    source: str

    def __post_init__(self):
        object.__setattr__(self, "amount", check_scalar(self.amount, "amount", low=0))
        for name in ("unit", "source"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string, but received {value!r}.")
        as_of = self.as_of
        ok = isinstance(as_of, str) and _ISO.fullmatch(as_of) is not None
        if ok:
            try:
                datetime.date.fromisoformat(as_of if len(as_of) == 10 else as_of + "-01")
            except ValueError:
                ok = False
        if not ok:
            raise ValueError(
                "as_of must be an ISO month or date such as '2024-06' or '2024-06-15', but "
                f"received {as_of!r}."
            )

    def __str__(self) -> str:
        return f"{self.amount:.2f} {self.unit} (as of {self.as_of}; {self.source})"


_GCP = ("Google Cloud 'GPU pricing' page, us-central1, on-demand, the GPU alone "
        "(the VM's vCPUs and memory are extra); written from memory without network "
        "access: an example, check today's price")
_GCP_A3 = ("Google Cloud 'Accelerator-optimized machine family' pricing, a3-highgpu-8g "
           "on demand in us-central1 (8 GPUs with their VM) divided by 8; written from memory "
           "without network access: an example, check today's price")
_OPENAI = ("OpenAI API pricing page, standard (not batch) price; written from memory "
           "without network access: an example, check today's price")
_ANTHROPIC = ("Anthropic API pricing page; written from memory without network access: "
              "an example, check today's price")

#: Example list prices, each an assumption with its month and page. GPU keys are
#: :data:`bmlearn.scaling.DEVICE_PEAKS` names ("A100" is the 80 GB board); API keys
#: are "<model> input" and "<model> output", per million tokens.
EXAMPLE_PRICES: dict[str, Price] = {
    "A100": Price(3.93, GPU_HOUR, "2024-06", "NVIDIA A100 80GB; " + _GCP),
    "H100 SXM": Price(11.06, GPU_HOUR, "2024-06", "NVIDIA H100 80GB SXM; " + _GCP_A3),
    "L4": Price(0.56, GPU_HOUR, "2024-06", "NVIDIA L4; " + _GCP),
    "T4": Price(0.35, GPU_HOUR, "2024-06", "NVIDIA T4; " + _GCP),
    "GPT-4o input": Price(2.50, PER_MILLION_INPUT_TOKENS, "2024-08", "gpt-4o-2024-08-06; " + _OPENAI),
    "GPT-4o output": Price(10.00, PER_MILLION_OUTPUT_TOKENS, "2024-08",
                           "gpt-4o-2024-08-06; " + _OPENAI),
    "GPT-4o mini input": Price(0.15, PER_MILLION_INPUT_TOKENS, "2024-07", "gpt-4o-mini; " + _OPENAI),
    "GPT-4o mini output": Price(0.60, PER_MILLION_OUTPUT_TOKENS, "2024-07",
                                "gpt-4o-mini; " + _OPENAI),
    "Claude 3.5 Sonnet input": Price(3.00, PER_MILLION_INPUT_TOKENS, "2024-06",
                                     "claude-3-5-sonnet; " + _ANTHROPIC),
    "Claude 3.5 Sonnet output": Price(15.00, PER_MILLION_OUTPUT_TOKENS, "2024-06",
                                      "claude-3-5-sonnet; " + _ANTHROPIC),
}

#: The GPU rentals of :data:`EXAMPLE_PRICES`, by device name.
EXAMPLE_GPU_HOUR_PRICES: dict[str, Price] = {
    k: v for k, v in EXAMPLE_PRICES.items() if v.unit == GPU_HOUR}

#: The API prices of :data:`EXAMPLE_PRICES`, by model: ``{"input": Price, "output": Price}``.
EXAMPLE_API_PRICES: dict[str, dict[str, Price]] = {
    k[: -len(" input")]: {"input": v, "output": EXAMPLE_PRICES[k[: -len(" input")] + " output"]}
    for k, v in EXAMPLE_PRICES.items() if v.unit == PER_MILLION_INPUT_TOKENS
}
