"""A test-only urlconf: tiny PlatformAPIView subclasses exercising the inbound base."""

from django.contrib.auth.models import Group
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from apps.core.errors import ApplicationError
from apps.integrations.inbound import PlatformAPIView


class EchoInput(serializers.Serializer):
    org_code = serializers.CharField(max_length=30)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    mode = serializers.ChoiceField(choices=["ok", "refuse", "crash"], default="ok")


class EchoReply(serializers.Serializer):
    ret_code = serializers.CharField()
    ret_msg = serializers.CharField()
    result = serializers.CharField()
    group_id = serializers.IntegerField()


@extend_schema(tags=["platform"], request=EchoInput, responses=EchoReply, summary="test echo")
class EchoView(PlatformAPIView):
    """Writes a Group (a stand-in business row) and answers with its id."""

    interface = "test_echo"
    InputSerializer = EchoInput

    def handle(self, data, exchange):
        group = Group.objects.create(name=f"echo-{exchange.pk}")
        if data["mode"] == "refuse":
            raise ApplicationError("不是本院订单")
        if data["mode"] == "crash":
            raise RuntimeError("boom in handle for 220102198805060015")  # an ID number, to be masked
        return {"group_id": group.pk, "amount": data["amount"], "cert_no": "220102198805060015"}


class ReportView(EchoView):
    interface = "test_report"
    style = "report"


class EchoOut(serializers.Serializer):
    group_id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class OutputView(EchoView):
    """Its reply goes through an OutputSerializer: the fields it declares, in their wire form."""

    interface = "test_output"
    OutputSerializer = EchoOut


@extend_schema(tags=["platform"], request=EchoInput, responses=EchoOut, summary="test query")
class QueryView(PlatformAPIView):
    """A query: changes nothing, so its inbox row is written once, with the answer."""

    interface = "test_query"
    changes_state = False
    InputSerializer = EchoInput

    def handle(self, data, exchange):
        if data["mode"] == "refuse":
            raise ApplicationError("没有该病人")
        if data["mode"] == "crash":
            raise RuntimeError("boom in a query")
        return {"amount": data["amount"], "row_saved": exchange.pk is not None}


urlpatterns = [
    path("api/platform/test_query", QueryView.as_view()),
    path("api/platform/test_echo", EchoView.as_view()),
    path("api/platform/test_report", ReportView.as_view()),
    path("api/platform/test_output", OutputView.as_view()),
]
