"""Run profiles: how big each lesson's data and training are.

``quick`` is small enough that each lesson runs in at most 60 s on two CPU
cores; ``full`` uses the sizes a reader would want, for a GPU. Lessons never
hard-code a size: they ask the profile, for example
``epochs = env.profile.pick(quick=30, full=100)``.
"""

from __future__ import annotations

import dataclasses
import os

__all__ = ["PROFILES", "Profile", "resolve_profile", "ENV_VAR"]

#: The environment variable that overrides the automatic choice.
ENV_VAR = "BMLEARN_PROFILE"


@dataclasses.dataclass(frozen=True)
class Profile:
    """A named run profile.

    Args:
        name: ``"quick"`` or ``"full"``.
        description: one line for readers.

    Example:
        >>> PROFILES["quick"].pick(quick=10, full=200)
        10
        >>> PROFILES["full"].pick(quick=10, full=200)
        200
    """

    name: str
    description: str

    @property
    def is_quick(self) -> bool:
        """Whether this is the quick (CPU-sized) profile."""
        return self.name == "quick"

    def pick(self, *, quick, full):
        """Return the value for this profile.

        Args:
            quick: the value for the quick profile.
            full: the value for the full profile.

        Returns:
            ``quick`` or ``full``.
        """
        return quick if self.is_quick else full


PROFILES = {
    "quick": Profile(
        "quick", "small data, few epochs: at most 60 s a lesson on 2 CPU cores"
    ),
    "full": Profile("full", "the sizes a reader would want, for a GPU"),
}


def resolve_profile(requested: str | None, has_gpu: bool) -> Profile:
    """Choose the profile: the argument, else ``$BMLEARN_PROFILE``, else by hardware.

    Args:
        requested: ``"quick"``, ``"full"`` or ``None`` for automatic.
        has_gpu: whether an accelerator was found; the automatic choice is
            ``full`` with one and ``quick`` without.

    Returns:
        The chosen :class:`Profile`.

    Raises:
        ValueError: if the name (or the environment variable) is neither
            ``quick`` nor ``full``.

    Example:
        >>> resolve_profile("full", has_gpu=False).name
        'full'
        >>> resolve_profile("huge", has_gpu=False)
        Traceback (most recent call last):
        ...
        ValueError: profile must be one of 'quick', 'full', but received 'huge'.
    """
    source = "profile"
    if requested is None:
        env = os.environ.get(ENV_VAR, "").strip()
        if env:
            requested, source = env.lower(), ENV_VAR
        else:
            requested = "full" if has_gpu else "quick"
    if requested not in PROFILES:
        choices = ", ".join(repr(k) for k in PROFILES)
        raise ValueError(f"{source} must be one of {choices}, but received {requested!r}.")
    return PROFILES[requested]
