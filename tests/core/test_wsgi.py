import gc
import importlib


def test_a_server_worker_keeps_what_it_loaded_out_of_the_collectors_full_passes():
    gc.unfreeze()
    import portal.wsgi

    try:
        importlib.reload(portal.wsgi)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
