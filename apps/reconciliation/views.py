def index(request):
    pass


day = discrepancies = export = explain = upload = fetch = progress = chart = index
