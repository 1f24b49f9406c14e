"""The base viewset every resource uses, the token endpoints, the API's index and its schema."""

from django.contrib.auth import authenticate, user_logged_in
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from knox.views import LogoutAllView as KnoxLogoutAllView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .authentication import TokenAuthentication
from .conditional import VERSION_FIELD, ConditionalMixin, record_etag
from .filters import (
    FormatNegotiation,
    RecordFilterBackend,
    StrictOrderingFilter,
    list_parameters,
    refuse_unknown_format,
    refuse_unknown_parameters,
)
from .renderers import FastJSONRenderer, SchemaPageRenderer
from .serializers import StrictSerializer
from .services import record_save, token_issue
from .sync import UpdatedSinceFilter
from .throttling import AddressRateThrottle, LoginRateThrottle


class SyncedListMixin:
    """Lists every resource shares: the filters plus `updated_since` (tracker/api/sync.py), and
    `?format=` read as an output format only when it names one (tracker/api/export.py). A query
    parameter the list does not document is a 400 naming it (tracker/api/filters.py)."""

    filter_backends = [RecordFilterBackend, StrictOrderingFilter, UpdatedSinceFilter]
    content_negotiation_class = FormatNegotiation

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "list":
            refuse_unknown_parameters(request, list_parameters(self))
            filterset_class = getattr(self, "filterset_class", None)
            refuse_unknown_format(request, self, filtered="format" in getattr(filterset_class, "base_filters", {}))


class RecordViewSet(ConditionalMixin, SyncedListMixin, viewsets.ModelViewSet):
    """Reads through the selector in `get_queryset`; writes validated by `input_serializer_class` and
    done by `write()` (a service call); every response is the output serializer (`serializer_class`)
    of the record read back through the selector, so a write answers exactly what a read would.
    Reads carry validators and writes check the version they change (tracker/api/conditional.py)."""

    input_serializer_class: type[serializers.Serializer]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def write(self, *, instance, data: dict):
        """A plain record: the model's own validation, then save. Views with nested rows call a service."""
        return record_save(instance=instance or self.get_queryset().model(), fields=data)

    def validated_input(self, *, instance=None, partial: bool = False) -> dict:
        data = self.request.data
        if instance is not None and isinstance(data, dict) and VERSION_FIELD in data:
            data = {key: value for key, value in data.items() if key != VERSION_FIELD}  # the version, checked
        serializer = self.input_serializer_class(
            instance=instance, data=data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def output(self, instance, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The record as a read gives it, with its ETag: both read back after the write (nested rows
        written with it may have moved its version again, tracker/api/freshness.py)."""
        fresh = self.get_queryset().get(pk=instance.pk)
        response = Response(self.get_serializer(fresh).data, status=status_code)
        response["ETag"] = record_etag(fresh)
        return response

    def create(self, request, *args, **kwargs):
        instance = self.write(instance=None, data=self.validated_input())
        return self.output(instance, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        self.claim_for_write(request, instance)
        instance = self.write(instance=instance, data=self.validated_input(instance=instance, partial=partial))
        return self.output(instance)


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(required=False, max_length=150)
    password = serializers.CharField(required=False, max_length=4096, trim_whitespace=False, write_only=True)

    def validate(self, attrs):
        if bool(attrs.get("username")) != bool(attrs.get("password")):
            raise serializers.ValidationError("Give both username and password (or neither, with a session).")
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Shown once; send it as `Authorization: Bearer <token>` (or `Authorization: Token <token>`)."
    )
    expiry = serializers.DateTimeField(allow_null=True)


class TokenCreateView(APIView):
    """Issue a token: with a username and password, or for the browser session's user."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle, AddressRateThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={201: TokenResponseSerializer, 401: OpenApiResponse(description="Wrong credentials.")},
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data.get("username"):
            user = authenticate(
                request._request,
                username=serializer.validated_data["username"],
                password=serializer.validated_data["password"],
            )
            if user is None:
                # An answer rather than an exception, which DRF would roll back with the request's
                # transaction: django-axes' count of failures (the lockout) and the audit log keep it.
                failed = AuthenticationFailed("Wrong username or password, or the account is inactive.")
                return Response(
                    {"detail": failed.detail},
                    status=failed.status_code,
                    headers={"WWW-Authenticate": self.get_authenticate_header(request)},
                )
        elif request.user.is_authenticated:
            user = request.user
        else:
            raise AuthenticationFailed("Give a username and password, or sign in first.")
        token, instance = token_issue(user=user, request=request._request)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(TokenResponseSerializer({"token": token, "expiry": instance.expiry}).data, status=201)

    def get_authenticate_header(self, request):
        return TokenAuthentication().authenticate_header(request)


@extend_schema(request=None, responses={204: None}, tags=["auth"], summary="Revoke the token of this request")
class LogoutView(KnoxLogoutView):
    authentication_classes = [TokenAuthentication]


@extend_schema(request=None, responses={204: None}, tags=["auth"], summary="Revoke every token of this user")
class LogoutAllView(KnoxLogoutAllView):
    authentication_classes = [TokenAuthentication]


@extend_schema(
    responses=inline_serializer(
        "Me",
        {
            "username": serializers.CharField(),
            "roles": serializers.ListField(child=serializers.CharField()),
            "token_expiry": serializers.DateTimeField(allow_null=True),
        },
    ),
    tags=["auth"],
)
class MeView(APIView):
    """Who is asking, with which roles (and when the token expires)."""

    permission_classes = []

    def get(self, request):
        if not request.user.is_authenticated:
            raise AuthenticationFailed("Not signed in.")
        token = request.auth if hasattr(request.auth, "expiry") else None
        return Response(
            {
                "username": request.user.get_username(),
                "roles": sorted(request.user.groups.values_list("name", flat=True)),
                "token_expiry": serializers.DateTimeField().to_representation(token.expiry)
                if token and token.expiry
                else None,
            }
        )


class OfflineRedocView(SpectacularRedocView):
    """ReDoc from this site's static files, without the web fonts the stock page fetches."""

    template_name = "api/redoc.html"


API_PREFIX = "api/v1/"


def _routes(patterns, prefix: str = ""):
    """(route, URL name) of every pattern without a path parameter, in the order the URLs declare them
    (`path()` routes as written, a router's regular expressions without their anchors)."""
    for pattern in patterns:
        route = str(pattern.pattern).removeprefix("^").removesuffix("$")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and pattern.name and not any(c in route for c in "<(["):
            yield prefix + route, pattern.name


class ApiRootView(APIView):
    """The API's index: every resource, dashboard and endpoint under /api/v1/ (without a path parameter),
    named by its path, with links to the schema and its documentation. JSON, or a browsable page in a
    browser."""

    permission_classes = [AllowAny]
    renderer_classes = [FastJSONRenderer, BrowsableAPIRenderer]

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="Name → absolute URL.")})
    def get(self, request):
        index = {}
        for route, name in _routes(get_resolver(getattr(request, "urlconf", None)).url_patterns):
            if route.startswith(API_PREFIX) and route != API_PREFIX:
                index[route.removeprefix(API_PREFIX).rstrip("/")] = reverse(f"api:{name}", request=request)
        index["schema"] = reverse("api:schema", request=request)
        index["docs"] = reverse("api:docs", request=request)
        return Response(index)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema: YAML by default, JSON by `Accept: application/json` or `?format=json`, and a
    page a browser shows (`Accept: text/html`) instead of a download."""

    renderer_classes = [*SpectacularAPIView.renderer_classes, SchemaPageRenderer]
