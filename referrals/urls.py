from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("regler/", views.rules, name="rules"),
    path("new/lejemaal/", views.referral_dwelling_options, name="dwelling_options"),
    path("<str:reference>/", views.referral_detail, name="detail"),
    path("<str:reference>/kvittering/", views.referral_receipt, name="receipt"),
    path("<str:reference>/kvittering.pdf", views.referral_receipt_pdf, name="receipt_pdf"),
    path("<str:reference>/opfoelgning/", views.referral_follow_up, name="follow_up"),
    path("<str:reference>/kvitter/", views.referral_acknowledge, name="acknowledge"),
    path("<str:reference>/tildel/", views.referral_assign, name="assign"),
    path("<str:reference>/note/", views.referral_note, name="note"),
    path("<str:reference>/samtykke/", views.referral_consent, name="consent"),
    path("<str:reference>/besked/", views.referral_message, name="message"),
    path("<str:reference>/afslut/", views.referral_close, name="close"),
    path("<str:reference>/opret-sag/", views.referral_open_case, name="open_case"),
    path("<str:reference>/knyt-sag/", views.referral_link_case, name="link_case"),
]
