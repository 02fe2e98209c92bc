"""How each record looks in the API: stable identifiers, links to related records and pages."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incubator.models import Country, Organisation, Participation, Partnership, PartnershipMember, Programme, Toolkit
from practices.models import CountryMention, Practice, Theme, Video


class PageLinkField(serializers.Field):
    """The absolute address of the record's public page."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


extend_schema_field(OpenApiTypes.URI)(PageLinkField)


class PracticesLinkField(serializers.Field):
    """The API list of published practices filtered by this record, as the list page filters."""

    def __init__(self, filter_name, **kwargs):
        self.filter_name = filter_name
        super().__init__(source="slug", read_only=True, **kwargs)

    def to_representation(self, value):
        url = reverse("api:practice-list") + f"?{self.filter_name}={value}"
        return self.context["request"].build_absolute_uri(url)


extend_schema_field(OpenApiTypes.URI)(PracticesLinkField)


class SourceSerializer(serializers.Serializer):
    """Where a curated fact comes from: the note, its sentence and the moment in the video."""

    note = serializers.CharField(source="source_note", read_only=True)
    sentence = serializers.CharField(source="source_quote", read_only=True)
    video_url = serializers.URLField(source="source_url", read_only=True, allow_blank=True)


def link(view_name, lookup_field="slug", **kwargs):
    return serializers.HyperlinkedRelatedField(
        view_name=f"api:{view_name}", lookup_field=lookup_field, read_only=True, **kwargs
    )


class CountrySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:country-detail", lookup_field="code")
    code = serializers.CharField(read_only=True, help_text="ISO 3166-1 alpha-2 code.")
    html_url = PageLinkField()
    practices = PracticesLinkField("country")

    class Meta:
        model = Country
        fields = ["url", "code", "name", "slug", "html_url", "practices"]


class CountryMentionSerializer(serializers.ModelSerializer):
    """A country a practice names, with how strongly: about it, or mentioning it in passing."""

    url = serializers.HyperlinkedRelatedField(
        source="country", view_name="api:country-detail", lookup_field="code", read_only=True
    )
    code = serializers.CharField(source="country.code", read_only=True, help_text="ISO 3166-1 alpha-2 code.")
    name = serializers.CharField(source="country.name", read_only=True)

    class Meta:
        model = CountryMention
        fields = ["url", "code", "name", "strength"]


class ThemeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:theme-detail", lookup_field="slug")
    html_url = PageLinkField()
    practices = PracticesLinkField("theme")

    class Meta:
        model = Theme
        fields = ["url", "slug", "name", "description", "html_url", "practices"]


class ThemeRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:theme-detail", lookup_field="slug")

    class Meta:
        model = Theme
        fields = ["url", "slug", "name"]


class ToolkitRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:toolkit-detail", lookup_field="slug")

    class Meta:
        model = Toolkit
        fields = ["url", "slug", "name"]


class VideoSerializer(serializers.ModelSerializer):
    url = serializers.URLField(read_only=True)

    class Meta:
        model = Video
        fields = ["youtube_id", "title", "url", "published_on"]


class PracticeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:practice-detail", lookup_field="slug")
    html_url = PageLinkField()
    body_html = serializers.CharField(read_only=True, help_text="The practice's text as sanitised HTML.")
    source_video = VideoSerializer(read_only=True, allow_null=True)
    countries = CountryMentionSerializer(
        source="countrymention_set",
        many=True,
        read_only=True,
        help_text="Countries it names; `strength` is `about` (it happens there or discusses it) or `mentions` "
        "(named in passing). The `country` filter goes by `about` unless `mentions=include`.",
    )
    themes = ThemeRefSerializer(many=True, read_only=True)
    toolkits = ToolkitRefSerializer(many=True, read_only=True)
    links_to = link("practice-detail", many=True, help_text="Published practices this one's text links to.")

    class Meta:
        model = Practice
        fields = [
            "url",
            "slug",
            "title",
            "summary",
            "html_url",
            "published_at",
            "updated_at",
            "body_html",
            "source_video",
            "countries",
            "themes",
            "toolkits",
            "links_to",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail", lookup_field="slug")
    html_url = PageLinkField()
    country = link("country-detail", lookup_field="code", allow_null=True)
    website = serializers.URLField(source="url", read_only=True, allow_blank=True)
    source = SourceSerializer(source="*", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "url",
            "slug",
            "name",
            "short_name",
            "kind",
            "country",
            "description",
            "website",
            "html_url",
            "source",
        ]


class ProgrammeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:programme-detail", lookup_field="slug")
    html_url = PageLinkField()
    support_offered = serializers.ListField(source="support_list", child=serializers.CharField(), read_only=True)
    organisers = link("organisation-detail", many=True)
    website = serializers.URLField(source="url", read_only=True, allow_blank=True)
    source = SourceSerializer(source="*", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "url",
            "slug",
            "name",
            "summary",
            "description",
            "support_offered",
            "organisers",
            "website",
            "html_url",
            "source",
        ]


class ParticipationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:participation-detail")
    programme = link("programme-detail")
    country = link("country-detail", lookup_field="code")
    source = SourceSerializer(source="*", read_only=True)

    class Meta:
        model = Participation
        fields = ["url", "id", "programme", "country", "phase", "start_year", "end_year", "outcome", "source"]


class PartnerSerializer(serializers.ModelSerializer):
    organisation = link("organisation-detail")

    class Meta:
        model = PartnershipMember
        fields = ["organisation", "role"]


class PartnershipSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:partnership-detail", lookup_field="slug")
    html_url = PageLinkField()
    programme = link("programme-detail", allow_null=True)
    partners = PartnerSerializer(source="members", many=True, read_only=True)
    source = SourceSerializer(source="*", read_only=True)

    class Meta:
        model = Partnership
        fields = ["url", "slug", "name", "purpose", "programme", "partners", "html_url", "source"]


class ToolkitSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:toolkit-detail", lookup_field="slug")
    html_url = PageLinkField()
    type = serializers.ChoiceField(source="toolkit_type", choices=Toolkit.Type.choices, read_only=True)
    aliases = serializers.ListField(source="alias_list", child=serializers.CharField(), read_only=True)
    country = link("country-detail", lookup_field="code", allow_null=True)
    programme = link("programme-detail", allow_null=True)
    partnership = link("partnership-detail", allow_null=True)
    developers = link("organisation-detail", many=True)
    website = serializers.URLField(source="url", read_only=True, allow_blank=True)
    practices = PracticesLinkField("toolkit")
    source = SourceSerializer(source="*", read_only=True)

    class Meta:
        model = Toolkit
        fields = [
            "url",
            "slug",
            "name",
            "description",
            "audience",
            "type",
            "licence",
            "badge",
            "aliases",
            "country",
            "programme",
            "partnership",
            "developers",
            "website",
            "html_url",
            "practices",
            "source",
        ]
