from django.urls import path

from cases.views import actions, citizens

app_name = "cases"
urlpatterns = [
    path("", citizens.case_list, name="list"),
    path("ny/", citizens.case_new, name="new"),
    path("forsoeg/", citizens.cohort_list, name="cohorts"),
    path("<str:reference>/", citizens.case_detail, name="detail"),
    path("<str:reference>/journal/", actions.journal_add, name="journal"),
    path("<str:reference>/samtykke/", actions.consent_add, name="consent"),
    path("<str:reference>/samtykke/<int:consent_id>/tilbage/", actions.consent_withdraw, name="consent_withdraw"),
    path("<str:reference>/herberg/", actions.stay_start, name="stay_start"),
    path("<str:reference>/herberg/slut/", actions.stay_end, name="stay_end"),
    path("<str:reference>/handleplan/", actions.plan_add, name="plan"),
    path("<str:reference>/bostoette/", actions.support_add, name="support"),
    path("<str:reference>/botilbud/", actions.supported_accommodation_add, name="supported_accommodation"),
    path("<str:reference>/bolig/<str:step>/", actions.placement_step, name="placement_step"),
    path("<str:reference>/bolig-nej/", actions.placement_decline, name="placement_decline"),
    path("<str:reference>/fraflytning/", actions.placement_move_out, name="placement_move_out"),
    path("<str:reference>/tilskud/", actions.subsidy_add, name="subsidy"),
    path("<str:reference>/tildel/", actions.case_assign, name="assign"),
    path("<str:reference>/luk/", actions.case_close, name="close"),
    path("<str:reference>/genaabn/", actions.case_reopen, name="reopen"),
    path("<str:reference>/sagsakter/", actions.case_export, name="export_start"),
    path("<str:reference>/sagsakter/<int:export_id>/", citizens.case_export_status, name="export"),
    path("<str:reference>/sagsakter/<int:export_id>/pdf/", citizens.case_export_download, name="export_download"),
]
