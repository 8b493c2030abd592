"""Your invitations to projects: list them, accept one (you become a member with the role
offered) or decline it. Joining a project always takes the invitee's consent."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.services import invitations
from api.access import caller
from api.presenters import invitation_data, membership_ref_data
from api.serializers.projects import InvitationSerializer, MembershipRefSerializer


class InvitationListView(APIView):
    """The invitations waiting for your answer."""

    @extend_schema(responses={200: InvitationSerializer(many=True)}, tags=["invitations"])
    def get(self, request: Request) -> Response:
        data = [invitation_data(i) for i in invitations.pending_for_user(user=caller(request))]
        return Response(InvitationSerializer(data, many=True).data)


class InvitationAcceptView(APIView):
    """Accept an invitation: you join its project with the role offered (404 if it is not
    yours or no longer waits)."""

    @extend_schema(request=None, responses={200: MembershipRefSerializer}, tags=["invitations"])
    def post(self, request: Request, pk: int) -> Response:
        membership = invitations.accept(invitation_id=pk, user=caller(request))
        return Response(MembershipRefSerializer(membership_ref_data(membership)).data)


class InvitationDeclineView(APIView):
    """Decline an invitation (404 if it is not yours or no longer waits)."""

    @extend_schema(request=None, responses={204: None}, tags=["invitations"])
    def post(self, request: Request, pk: int) -> Response:
        invitations.decline(invitation_id=pk, user=caller(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
