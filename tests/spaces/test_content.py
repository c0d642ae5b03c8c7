"""Finding 6: an upload's bytes must fit its extension; programs are refused by any name."""

from __future__ import annotations

import io
import zipfile

import pytest

from coil.spaces.content import HEAD_BYTES, ContentRefused, Prefixed, check_content
from coil.spaces.models import StoredFile
from tests.spaces.conftest import stored_files

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\0" * 50
    + b"This program cannot be run"
)
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 60
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\0" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 20
OLE = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\0" * 20


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = _zip("[Content_Types].xml", "word/document.xml")
ODT = _zip("mimetype", "content.xml")


@pytest.mark.parametrize(
    ("head", "extension"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpg"),
        (JPEG, "jpeg"),
        (DOCX, "docx"),
        (ODT, "odt"),
        (DOCX, "zip"),
        (OLE, "doc"),
        (OLE, "xls"),
        (MP4, "mp4"),
        (b"Naam;Land\nAnna;NL\nDewi;ID\n", "csv"),
        ("Notes – café\n".encode(), "txt"),
        (b"", "txt"),
        (b"<p>an operator allowed html</p>", "html"),  # no rule for it: only programs refused
    ],
)
def test_files_that_are_what_they_say_pass(head, extension):
    check_content(head, extension)


@pytest.mark.parametrize(
    ("head", "extension", "reason"),
    [
        (EXE, "pdf", "program"),
        (EXE, "txt", "program"),
        (ELF, "docx", "program"),
        (b"#!/bin/sh\nrm -rf ~\n", "md", "program"),
        (EXE, "html", "program"),
        (PNG, "pdf", "mismatch"),
        (PDF, "docx", "mismatch"),
        (b"just some text", "pdf", "mismatch"),
        (DOCX, "png", "mismatch"),
        (PNG + b"\0", "csv", "not_text"),
    ],
)
def test_files_that_are_something_else_are_refused(head, extension, reason):
    with pytest.raises(ContentRefused) as refused:
        check_content(head, extension)
    assert refused.value.reason == reason


def test_the_prefixed_stream_gives_back_every_byte():
    data = bytes(range(256)) * 600  # more than the head
    stream = io.BytesIO(data)
    head = stream.read(HEAD_BYTES)
    rebuilt = Prefixed(head, stream)
    chunks = []
    while chunk := rebuilt.read(1000):
        chunks.append(chunk)
    assert b"".join(chunks) == data


def _upload(auth, space, content, name):
    url = f"/spaces/{space.id}"
    return auth.post(f"{url}/files", {"file": (io.BytesIO(content), name)}, url)


def test_a_program_named_pdf_is_refused_with_a_clear_message(login, world, db, storage_dir):
    response = _upload(login(world.member), world.space, EXE, "setup.exe.pdf")
    assert response.status_code == 422
    assert "This file is a program" in response.get_data(as_text=True)
    assert db.session.query(StoredFile).count() == 0
    assert stored_files(storage_dir) == []


def test_a_picture_named_pdf_is_refused_and_a_real_one_stored(login, world, db, storage_dir):
    anna = login(world.member)
    response = _upload(anna, world.space, PNG, "scan.pdf")
    assert response.status_code == 422
    assert "its content is not a PDF file" in response.get_data(as_text=True)
    assert _upload(anna, world.space, PNG, "scan.png").status_code == 302
    stored = db.session.query(StoredFile).one()
    assert (stored.filename, stored.size) == ("scan.png", len(PNG))
    assert [p.name for p in stored_files(storage_dir)] == [stored.storage_key]


class FullDisk:
    """A storage whose disk is full: every write fails, as ``LocalStorage`` would then."""

    def save(self, stream, max_bytes):
        raise OSError(28, "No space left on device")

    def open(self, key):
        raise FileNotFoundError(key)

    def delete(self, key):
        return None


def test_a_full_disk_gives_a_clear_message_and_no_record(app, login, world, db):
    app.extensions["spaces_storage"] = FullDisk()
    response = _upload(login(world.member), world.space, PDF, "notes.pdf")
    assert response.status_code == 422
    assert "could not be stored just now" in response.get_data(as_text=True)
    assert db.session.query(StoredFile).count() == 0
    from coil.evidence.models import LedgerEvent

    assert (
        db.session.query(LedgerEvent).count() == 0
    )  # no ledger entry for a file that is not there


def test_a_document_save_on_a_full_disk_is_a_503_and_keeps_the_old_version(
    login, world, db, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    from coil.spaces import documents
    from coil.spaces.models import DocumentVersion

    anna = login(world.member)
    document = documents.create_document(world.member, world.space, title="Plan", body="v1")
    db.session.commit()
    url = f"/spaces/{world.space.id}/documents/{document.id}/edit"
    form = {"title": "Plan", "body": "v2", "base_version": "1"}
    token_page = anna.client.get(url)
    assert token_page.status_code == 200

    def disk_full(*args, **kwargs):  # SQLite says so with an OperationalError
        raise OperationalError("INSERT INTO document_versions", {}, Exception("disk is full"))

    monkeypatch.setattr(documents, "_add_version", disk_full)
    response = anna.post(url, form)
    assert response.status_code == 503
    assert "briefly unavailable" in response.get_data(as_text=True)
    monkeypatch.undo()
    db.session.expire_all()
    versions = db.session.query(DocumentVersion).filter_by(document_id=document.id).all()
    assert [v.body for v in versions] == ["v1"]
    assert anna.post(url, form).status_code == 302  # and once the disk has room again, it saves
