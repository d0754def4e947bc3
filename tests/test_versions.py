"""bmlearn.versions: the tested TensorFlow and Keras floors and the check in setup()."""


import bmlearn as bm
from bmlearn import versions


def test_outdated_at_and_around_the_floors():
    tf_floor, keras_floor = versions.MINIMUM["tensorflow"], versions.MINIMUM["keras"]
    assert versions.outdated({"tensorflow": tf_floor, "keras": keras_floor}) == []
    assert versions.outdated({"tensorflow": tf_floor + ".0", "keras": keras_floor + ".1"}) == []
    assert versions.outdated({"numpy": "1.0"}) == []  # not a package with a floor
    (message,) = versions.outdated({"tensorflow": "2.16.2", "keras": "3.15.1"})
    assert message.startswith("TensorFlow 2.16.2 is older than " + tf_floor)
    assert "TFLite" in message and f"'tensorflow>={tf_floor}'" in message
    (message,) = versions.outdated({"tensorflow": "2.20.0", "keras": "3.9.2"})
    assert message.startswith("Keras 3.9.2 is older than " + keras_floor)
    assert "MirroredStrategy" in message
    assert len(versions.outdated({"tensorflow": "2.16.0", "keras": "3.0.5"})) == 2
    # Releases compare as releases, not as strings ("3.9" > "3.10" as text).
    assert versions.outdated({"keras": "3.9.2"}) and not versions.outdated({"keras": "3.11.0"})
    # A pre-release of the floor is older than the floor; a non-PEP 440 string is skipped.
    assert versions.outdated({"keras": keras_floor + ".0rc1"})
    assert versions.outdated({"tensorflow": "not a version"}) == []


def test_every_floor_says_why():
    assert set(versions.WHY) == set(versions.MINIMUM)


def test_setup_notes_an_outdated_install(tf, monkeypatch):
    import keras

    assert not any("older than" in n for n in bm.setup("quick", verbose=False).notes)
    # Pretend the floor is above what is installed: setup() must say so.
    monkeypatch.setitem(versions.MINIMUM, "keras", "99.0")
    env = bm.setup("quick", verbose=False)
    (note,) = [n for n in env.notes if "older than" in n]
    assert note.startswith(f"Keras {keras.__version__} is older than 99.0")
    assert "older than 99.0" in env.summary()
