"""The request document: parsing, schema order, onError modes, status attributes, lengths and encoding."""

import pytest
from lxml import etree
from lxml.builder import E

from apps.qbd_sandbox.errors import PARSE_HRESULT, PARSE_MESSAGE
from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.services import QbXmlError, qbxml_process, session_close, session_open
from tests.qbd_sandbox.conftest import document, responses, status

pytestmark = pytest.mark.django_db


def _parse_error(company, session, request) -> QbXmlError:
    with pytest.raises(QbXmlError) as caught:
        qbxml_process(company, request, session_id=session)
    return caught.value


@pytest.mark.parametrize(
    "request_body",
    [
        b"<QBXML><QBXMLMsgsRq onError='stopOnError'>",  # malformed
        b'<?xml version="1.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"/></QBXML>',  # no qbxml version
        document(on_error="carryOn"),
        document(E.CustomerFrobnicateRq()),
        document(E.CustomerQueryRq(E.Colour("blue"))),
        document(E.CustomerQueryRq(E.MaxReturned("5"), E.ListID("80000001-1"))),  # ids and filters are a choice
        document(E.CustomerAddRq(E.CustomerAdd(E.CompanyName("No name")))),  # Name is required
        document(E.CustomerQueryRq(E.ActiveStatus("Sometimes"))),
        document(E.CustomerQueryRq(bogus="1")),
        # Read-only: QuickBooks sets it on its own accounts.
        document(
            E.AccountAddRq(
                E.AccountAdd(
                    E.Name("Stock"), E.AccountType("OtherCurrentAsset"), E.SpecialAccountType("InventoryAssets")
                )
            )
        ),
    ],
)
def test_documents_quickbooks_cannot_read_are_refused_with_the_parse_hresult(company, session, request_body):
    error = _parse_error(company, session, request_body)

    assert (error.hresult, error.message) == (PARSE_HRESULT, PARSE_MESSAGE)
    assert error.message == "QuickBooks found an error when parsing the provided XML text stream."


def test_elements_out_of_schema_order_fail_the_whole_document_and_run_nothing(company, session):
    good = E.CustomerAddRq(E.CustomerAdd(E.Name("Runs First")))
    # CompanyName comes after ParentRef and before FirstName; Phone after the addresses.
    misordered = E.CustomerAddRq(E.CustomerAdd(E.Name("Later"), E.Phone("555"), E.CompanyName("Later Inc")))

    error = _parse_error(company, session, document(good, misordered))

    assert error.hresult == "0x80040400"
    assert not Record.objects.filter(company=company, name="Runs First").exists()


def test_address_children_and_ship_to_are_held_to_their_order_too(company, session):
    misordered = E.CustomerAddRq(E.CustomerAdd(E.Name("Acme"), E.BillAddress(E.City("Boston"), E.Addr1("1 Main St"))))

    assert _parse_error(company, session, document(misordered)).hresult == PARSE_HRESULT


def test_responses_echo_request_ids_with_status_attributes(company, session):
    answer = qbxml_process(
        company,
        document(E.CustomerAddRq(E.CustomerAdd(E.Name("Acme")), requestID="add-1")),
        session_id=session,
    )

    (response,) = responses(answer)
    assert response.tag == "CustomerAddRs"
    assert list(response.attrib.items()) == [
        ("requestID", "add-1"),
        ("statusCode", "0"),
        ("statusSeverity", "Info"),
        ("statusMessage", "Status OK"),
    ]


def test_a_str_request_is_accepted_whatever_encoding_it_declares(company, session):
    request = document(E.CustomerAddRq(E.CustomerAdd(E.Name("Café Noël")))).decode("utf-8")
    request = request.replace('encoding="utf-8"', 'encoding="windows-1252"')

    (response,) = responses(qbxml_process(company, request, session_id=session))

    assert response.find("CustomerRet/Name").text == "Café Noël"


def _three(*, second_fails: bool = True):
    duplicate = "First" if second_fails else "Second"
    return (
        E.CustomerAddRq(E.CustomerAdd(E.Name("First")), requestID="1"),
        E.CustomerAddRq(E.CustomerAdd(E.Name(duplicate)), requestID="2"),
        E.CustomerAddRq(E.CustomerAdd(E.Name("Third")), requestID="3"),
    )


def test_stop_on_error_answers_up_to_the_failed_request(company, session):
    answers = responses(qbxml_process(company, document(*_three(), on_error="stopOnError"), session_id=session))

    assert [(item.get("requestID"), status(item)) for item in answers] == [("1", (0, "Info")), ("2", (3100, "Error"))]
    assert set(Record.objects.filter(company=company, kind="Customer").values_list("name", flat=True)) == {"First"}


def test_continue_on_error_runs_every_request(company, session):
    answers = responses(qbxml_process(company, document(*_three(), on_error="continueOnError"), session_id=session))

    assert [status(item)[0] for item in answers] == [0, 3100, 0]
    assert set(Record.objects.filter(company=company, kind="Customer").values_list("name", flat=True)) == {
        "First",
        "Third",
    }


def test_rollback_on_error_undoes_the_requests_before_the_failure(company, session):
    answers = responses(qbxml_process(company, document(*_three(), on_error="rollbackOnError"), session_id=session))

    assert [status(item)[0] for item in answers] == [0, 3100]
    assert not Record.objects.filter(company=company, kind="Customer").exists()


def test_names_over_their_limit_answer_3070_naming_the_field(one):
    response = one(E.CustomerAddRq(E.CustomerAdd(E.Name("N" * 42))))
    ship_to = one(E.CustomerAddRq(E.CustomerAdd(E.Name("Ok"), E.ShipToAddress(E.Name("S" * 42)))))
    item = one(E.ItemServiceAddRq(E.ItemServiceAdd(E.Name("I" * 32))))

    assert status(response) == (3070, "Error")
    assert response.get("statusMessage") == f'The string "{"N" * 42}" in the field "Name" is too long.'
    assert status(ship_to)[0] == 3070 and '"Name"' in ship_to.get("statusMessage")
    assert status(item)[0] == 3070


def test_a_bad_date_answers_3020(one, add_customer):
    add_customer("Acme")

    response = one(E.InvoiceAddRq(E.InvoiceAdd(E.CustomerRef(E.FullName("Acme")), E.TxnDate("2015-02-30"))))

    assert status(response) == (3020, "Error")
    assert '"TxnDate"' in response.get("statusMessage")


def test_text_outside_iso_8859_1_is_stored_as_question_marks(one):
    response = one(E.CustomerAddRq(E.CustomerAdd(E.Name("Zoë Łukasz 東京"), E.Notes("Ünïcödé ✓"))))

    ret = response.find("CustomerRet")
    assert ret.find("Name").text == "Zoë ?ukasz ??"
    assert ret.find("Notes").text == "Ünïcödé ?"


def test_requests_need_an_open_session(company):
    session = session_open(company)
    session_close(company, session)
    session_close(company, session)  # closing twice is harmless

    for session_id in (session, "not-a-session"):
        with pytest.raises(QbXmlError) as caught:
            qbxml_process(company, document(E.CustomerQueryRq()), session_id=session_id)
        assert caught.value.hresult == "0x80040401"


def test_a_response_is_one_utf8_qbxml_document(company, session):
    answer = qbxml_process(company, document(E.HostQueryRq(requestID="h")), session_id=session)

    root = etree.fromstring(answer.encode("utf-8"))
    assert answer.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert root.find("QBXMLMsgsRs/HostQueryRs/HostRet/QBFileMode").text == "SingleUser"
