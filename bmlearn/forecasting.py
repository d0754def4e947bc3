"""Forecast metrics and baselines for time series (NumPy only, no TensorFlow).

The seasonal-naive forecast, the mean absolute scaled error (MASE) and the mean
absolute percentage error (MAPE), and the safety stock that covers forecast errors
at a stated service level.
"""

from __future__ import annotations

import math

import numpy as np

from bmlearn.validation import as_finite_array, check_same_length, check_scalar

__all__ = ["seasonal_naive", "mase", "mape", "safety_stock"]


def seasonal_naive(history, horizon: int, m: int) -> np.ndarray:
    """Repeat the last season of ``history`` to forecast ``horizon`` steps.

    Args:
        history: 1-D array of past values (at least ``m`` of them).
        horizon: number of steps to forecast (positive integer).
        m: season length (positive integer), e.g. 12 for monthly data.

    Returns:
        Array of length ``horizon``: step ``h`` (1-based) gets ``history[n - m + (h - 1) % m]``.

    Example:
        >>> seasonal_naive([1.0, 2.0, 3.0, 4.0], horizon=3, m=2)
        array([3., 4., 3.])
    """
    y = as_finite_array(history, "history", ndim=1)
    horizon = check_scalar(horizon, "horizon", integer=True, low=1)
    m = check_scalar(m, "m", integer=True, low=1)
    if len(y) < m:
        raise ValueError(f"history must hold at least m={m} values, but received {len(y)}.")
    last = y[len(y) - m:]
    return last[np.arange(horizon) % m].copy()


def mase(y_true, y_pred, y_train, m: int = 1) -> float:
    """Mean absolute scaled error: MAE of the forecast over the in-sample seasonal-naive MAE.

    Args:
        y_true: 1-D array of actual values on the forecast period.
        y_pred: 1-D array of forecasts, same length as ``y_true``.
        y_train: 1-D in-sample history (more than ``m`` values) used for the scale
            ``mean(|y_t - y_{t-m}|)``.
        m: season length (1 gives the non-seasonal MASE).

    Returns:
        The MASE as a float (below 1: better than the in-sample seasonal-naive error).

    Example:
        >>> mase([5.0, 6.0], [4.0, 8.0], [1.0, 2.0, 4.0], m=1)
        1.0
    """
    yt = as_finite_array(y_true, "y_true", ndim=1)
    yp = as_finite_array(y_pred, "y_pred", ndim=1)
    check_same_length(yt, yp, "y_true", "y_pred")
    tr = as_finite_array(y_train, "y_train", ndim=1)
    m = check_scalar(m, "m", integer=True, low=1)
    if len(tr) <= m:
        raise ValueError(f"y_train must hold more than m={m} values, but received {len(tr)}.")
    scale = float(np.mean(np.abs(tr[m:] - tr[:-m])))
    if scale == 0.0:
        raise ValueError("y_train must not be constant at lag m (its seasonal-naive error is 0).")
    return float(np.mean(np.abs(yt - yp)) / scale)


def mape(y_true, y_pred) -> float:
    """Mean absolute percentage error, as a fraction (0.05 means 5%).

    Same definition as ``sklearn.metrics.mean_absolute_percentage_error``, but actual
    values must be non-zero.

    Args:
        y_true: array of actual values, none of them zero.
        y_pred: array of forecasts, same shape as ``y_true``.

    Returns:
        ``mean(|y_true - y_pred| / |y_true|)`` as a float.

    Example:
        >>> mape([100.0, 200.0], [110.0, 180.0])
        0.1
    """
    yt = as_finite_array(y_true, "y_true")
    yp = as_finite_array(y_pred, "y_pred")
    if yt.shape != yp.shape:
        raise ValueError(f"y_pred must have the shape of y_true {yt.shape}, but received {yp.shape}.")
    if np.any(yt == 0):
        raise ValueError("y_true must not contain zeros, but received at least one.")
    return float(np.mean(np.abs(yt - yp) / np.abs(yt)))


def safety_stock(sigma: float, service_level: float, lead_time: float = 1.0) -> float:
    """Safety stock ``z * sigma * sqrt(lead_time)`` for a cycle service level.

    Assumes forecast errors are independent and normal with standard deviation
    ``sigma`` per period; ``z`` is the standard-normal quantile of ``service_level``.

    Args:
        sigma: standard deviation of one period's forecast error (>= 0).
        service_level: probability of no stock-out in a cycle, in (0, 1).
        lead_time: lead time in periods (> 0).

    Returns:
        The safety stock, in the units of ``sigma``.

    Example:
        >>> round(safety_stock(10.0, 0.95, lead_time=4), 4)
        32.8971
    """
    from statistics import NormalDist

    sigma = check_scalar(sigma, "sigma", low=0)
    service_level = check_scalar(service_level, "service_level", low=0, high=1,
                                 low_open=True, high_open=True)
    lead_time = check_scalar(lead_time, "lead_time", low=0, low_open=True)
    z = NormalDist().inv_cdf(service_level)
    return float(z * sigma * math.sqrt(lead_time))
