"""The rules behind minting's integrity: a lot's identity on the chain (its claim), links
without secrets, the Standard's token classes, usable wallets, and what `verify-mint`
checks from the chain alone."""

from __future__ import annotations

import pytest

from rrec_pipeline.basics.wallets import wallet_problem
from rrec_pipeline.credits.classify import classify
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.minting.claims import claims_from, to_mint
from rrec_pipeline.minting.links import (
    claim_of,
    default_template,
    is_ssh_remote,
    parse_info,
    public_url,
    redact,
    template_problem,
)
from rrec_pipeline.minting.tokens import class_problem, token_name
from rrec_pipeline.minting.verify import chain_problems
from rrec_pipeline.registry.appendix_b import check_registry
from rrec_pipeline.registry.files import PROJECTS, RESERVATIONS, read_registry_file

COMMIT = "1f6e403b290b0c50f7866f930a1292bf47b3e949"
SHA = "ab" * 32
WINDOW = "verification_data/P-KE/R-KE/2024-01-01"
FILE = "NairobiSolar_2024-01-01T000000+0300_2024-01-31T230000+0300.csv"


def info(base: str, path: str = f"{WINDOW}/{FILE}") -> str:
    return f"{base}/blob/{COMMIT}/{path}#sha256={SHA}"


def test_a_lots_claim_survives_a_new_url_commit_home_and_file() -> None:
    links = [
        info("https://github.com/org/data"),
        info("file:///home/a/published"),
        info("file:///moved/home/published", f"{WINDOW}/Renamed_2024-01-01T000000+0300_x.csv"),
        f"https://h/raw/{'0' * 40}/{WINDOW}/{FILE}",
    ]
    assert {parse_info(link).claim for link in links} == {WINDOW}
    producer = f"verification_data/P/R/{FILE}"
    assert parse_info(info("https://h", producer)).claim == producer == claim_of(producer)


def event(link: str, amount: int, block: int, address: str = "0xC", to: str = "0xA") -> dict:
    return {
        "address": address,
        "amount": amount,
        "additionalInfo": link,
        "tx_hash": f"0x{block}",
        "block_number": block,
        "log_index": 0,
        "to": to,
    }


def test_the_chain_tallies_a_window_over_its_versions_and_a_version_mints_what_lacks() -> None:
    path = f"{WINDOW}/{FILE}"
    claims = claims_from(
        [event(info("https://a"), 40, 2), event(info("file:///b", f"{WINDOW}/v2.csv"), 3, 5)]
    )
    assert claims.total("0xc", path) == 43 and claims.last("0xC", path)["block_number"] == 5
    assert claims.total("0xD", path) == 0, "another contract holds nothing of it"
    assert to_mint(43, claims.total("0xC", path)) == 0, "already on the chain"
    assert to_mint(45, claims.total("0xC", path)) == 2, "only the difference"
    assert to_mint(40, 43) == 0


@pytest.mark.parametrize(
    ("remote", "link_base"),
    [
        (
            "https://x-access-token:ghp_SECRET@github.com/org/repo.git",
            "https://github.com/org/repo",
        ),
        ("git@github.com:org/repo.git", "https://github.com/org/repo"),
        ("ssh://git@github.com/org/repo.git", "https://github.com/org/repo"),
        ("https://alice:s3cr3t@git.example/pub.git", None),
    ],
)
def test_links_never_carry_user_information(remote, link_base) -> None:
    template = default_template(remote)
    if link_base:
        assert template == f"{link_base}/blob/{{commit}}/{{path}}"
    assert "SECRET" not in public_url(remote) and "s3cr3t" not in public_url(remote)
    assert public_url("https://alice:s3cr3t@git.example/pub.git") == "https://git.example/pub"
    assert redact("push to https://u:p@h/x failed; http://t@h2/y") == (
        "push to https://h/x failed; http://h2/y"
    )


def test_ssh_remotes_need_a_template_and_templates_must_pin_commits() -> None:
    assert is_ssh_remote("git@gitlab.example:org/repo.git")
    assert is_ssh_remote("ssh://git@gitlab.example/org/repo.git")
    assert not is_ssh_remote("/srv/pub.git") and not is_ssh_remote("https://h/pub.git")
    assert default_template("git@gitlab.example:org/repo.git") is None
    assert "no {commit}" in template_problem("https://h/org/repo/blob/main/{path}")
    assert "user information" in template_problem("https://u:p@h/blob/{commit}/{path}")
    assert "https" in template_problem("ftp://h/{commit}/{path}")
    assert template_problem("https://gitlab.example/org/repo/-/blob/{commit}/{path}") is None


def test_only_the_standards_token_classes_exist() -> None:
    tables = load_reference()
    assert class_problem("RREC-GA", tables) is None and class_problem("RREC-AKE", tables) is None
    for symbol in ("RREC-ZZ", "RREC-AFR", "RREC-AUS", "GA", "RREC-A", "rrec-ga"):
        assert "not a token class" in class_problem(symbol, tables), symbol
    assert token_name("RREC-GA", tables) == "Georgia R-RECs"
    assert token_name("RREC-AKE", tables) == "Kenya R-RECs"
    assert classify(tables, country="United States", us_state="ZZ").token is None
    assert classify(tables, country="United States", us_state="Georgia").token == "RREC-GA"


def test_a_wallet_is_usable_only_when_it_is_not_zero_and_its_checksum_holds() -> None:
    assert wallet_problem("0x52908400098527886E0F7030069857D2E4169EE7") is None
    assert wallet_problem("0x52908400098527886e0f7030069857d2e4169ee7") is None  # no checksum
    assert "zero address" in wallet_problem("0x" + "0" * 40)
    assert "EIP-55" in wallet_problem("0x52908400098527886E0F7030069857D2E4169Ee7")
    assert "40 hex" in wallet_problem("0x1234")


PROJECT_HEADER = (
    "project_id,project_name,country,us_state,latitude,longitude,dc_capacity_kwp,fuel_type,"
    "first_operation,timezone,installation_type,owner_wallet\n"
)


def test_the_registry_holds_a_zero_or_miss_checksummed_wallet_and_an_unknown_state() -> None:
    owner = "0x" + "0c" * 20
    projects = PROJECT_HEADER + "\n".join(
        f"{pid},{pid} Solar,United States,{state},3{n}.5,-84.3,10{n},Solar,2021-01-0{n + 1},"
        f"America/New_York,Distributed PV,{owner}"
        for n, (pid, state) in enumerate([("P1", "GA"), ("P2", "ZZ")])
    )
    frame, bad = read_registry_file(PROJECTS, projects.encode())
    assert bad == [] and frame.height == 2
    state = check_registry(frame, _empty_devices(), _reservations_of(), _empty_clearances())
    assert state.held_projects == {"P2"}
    assert [h.ids for h in state.held] == [("projects.csv:3",)]
    assert "'ZZ'" in state.held[0].reason
    reservations = (
        "reservation_id,buyer,recipient_wallet,project_ids,volume_mwh,start,end,frequency\n"
        f"R1,B,0x{'0' * 40},P1,10,2024-01-01,2024-12-31,monthly\n"
        "R2,B,0x52908400098527886E0F7030069857D2E4169Ee7,P1,10,2025-01-01,2025-12-31,monthly\n"
        "R3,B,0x52908400098527886E0F7030069857D2E4169EE7,P1,10,2026-01-01,2026-12-31,monthly\n"
    )
    kept, bad = read_registry_file(RESERVATIONS, reservations.encode())
    assert kept["reservation_id"].to_list() == ["R3"]
    assert [(row.line, "zero address" in row.reason or "EIP-55" in row.reason) for row in bad] == [
        (2, True),
        (3, True),
    ]


def _empty_devices():
    return read_registry_file(_layout("DEVICES"), b"project_id,source,site_id,device_id,role\n")[0]


def _empty_clearances():
    return read_registry_file(_layout("CLEARANCES"), b"project_id,cleared_against,reason\n")[0]


def _reservations_of():
    header = b"reservation_id,buyer,recipient_wallet,project_ids,volume_mwh,start,end,frequency\n"
    return read_registry_file(RESERVATIONS, header)[0]


def _layout(name: str):
    from rrec_pipeline.registry import files

    return getattr(files, name)


def test_verify_mint_by_the_chain_alone_catches_lookalikes_second_mints_and_strangers() -> None:
    registry = {"RREC-AKE": "0xC"}
    genuine = event(info("https://a"), 41, 2)
    assert chain_problems(genuine, registry, [genuine]) == []
    lookalike = event(info("https://a"), 41, 3, address="0xE")
    assert "not the registry's contract" in chain_problems(lookalike, registry, [lookalike])[0]
    again = event(info("https://a"), 41, 4, to="0xB")
    problems = chain_problems(genuine, registry, [genuine, again])
    assert any("minted again by 0x4" in p for p in problems)
    assert any("minted to 0xb" in p for p in problems)
    overlapping = event(info("https://a", f"verification_data/P-KE/R-X/2024-01-15/{FILE}"), 5, 6)
    assert any("overlaps" in p for p in chain_problems(genuine, registry, [genuine, overlapping]))
    version = event(info("https://a", f"{WINDOW}/v2.csv"), 2, 7)
    assert chain_problems(genuine, registry, [genuine, version]) == [], "a window's version"
    same_name = event(info("https://a").replace(SHA, "cd" * 32), 2, 8)
    assert chain_problems(genuine, registry, [genuine, same_name]) == [], "new bytes, same name"
    assert "the lot's is 0xd" in chain_problems(genuine, registry, [genuine], "0xD")[0]
