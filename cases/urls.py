from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("ny/", views.case_new, name="new"),
    path("forsoeg/", views.cohort_list, name="cohorts"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/journal/", views.journal_add, name="journal"),
    path("<str:reference>/samtykke/", views.consent_add, name="consent"),
    path("<str:reference>/samtykke/<int:consent_id>/tilbage/", views.consent_withdraw, name="consent_withdraw"),
    path("<str:reference>/herberg/", views.stay_start, name="stay_start"),
    path("<str:reference>/herberg/slut/", views.stay_end, name="stay_end"),
    path("<str:reference>/handleplan/", views.plan_add, name="plan"),
    path("<str:reference>/bostoette/", views.support_add, name="support"),
    path("<str:reference>/botilbud/", views.supported_accommodation_add, name="supported_accommodation"),
    path("<str:reference>/bolig/<str:step>/", views.placement_step, name="placement_step"),
    path("<str:reference>/bolig-nej/", views.placement_decline, name="placement_decline"),
    path("<str:reference>/tilskud/", views.subsidy_add, name="subsidy"),
    path("<str:reference>/tildel/", views.case_assign, name="assign"),
    path("<str:reference>/luk/", views.case_close, name="close"),
    path("<str:reference>/genaabn/", views.case_reopen, name="reopen"),
    path("<str:reference>/sagsakter/", views.case_export, name="export_start"),
    path("<str:reference>/sagsakter/<int:export_id>/", views.case_export_status, name="export"),
    path("<str:reference>/sagsakter/<int:export_id>/pdf/", views.case_export_download, name="export_download"),
]
