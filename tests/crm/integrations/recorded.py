"""Responses in the documented shapes, for the respx contract tests.

Zoho: https://www.zoho.com/crm/developer/docs/api/v8/COQL-Overview.html (COQL),
https://www.zoho.com/crm/developer/docs/api/v8/access-refresh.html (tokens),
https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html (errors; the 400 and 401 bodies as in Zoho's
OpenAPI examples, https://github.com/zoho/crm-oas v8.0/related_records/mds/examples/delinkRelatedRecords.md).
Fxiaoke: https://www.fxiaoke.com/mob/guide/openapi/dist/en/pages/open-api/collection/object/AccountObj/query-acc/
(query), https://developer.fxiaoke.com/openapi_v2/en/FAQ/deep-paging.html (errorCode 10013),
https://developer.fxiaoke.com/openapi_v2/start/guide/codes.html (the other errorCodes).
"""

from __future__ import annotations

from typing import Any

ZOHO_TOKEN = {
    "access_token": "1000.2deaf8d0c268e3c85daa2a013a843b10.703adef2bb337b8ca36cfc5d7b83cf24",
    "refresh_token": "1000.18e983526f0ca8575ea9c53b0cd5bb58.1bd83a6f2e22c3a7e1309d96ae439cc1",
    "api_domain": "https://www.zohoapis.eu",
    "token_type": "Bearer",
    "expires_in": 3600,
}
ZOHO_REFRESHED = {
    "access_token": "1000.6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d.2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b",
    "api_domain": "https://www.zohoapis.eu",
    "token_type": "Bearer",
    "expires_in": 3600,
}
ZOHO_INVALID_TOKEN = {
    "code": "INVALID_TOKEN",
    "details": {},
    "message": "invalid oauth token",
    "status": "error",
}
# Zoho Accounts' name for an access token it deleted or that belongs to another data centre
# (help.zoho.com, "Why am I getting INVALID_OAUTHTOKEN error on API access?"), in the case it is written in.
ZOHO_INVALID_OAUTHTOKEN = {"code": "invalid_oauthtoken", "message": "invalid oauth token", "status": "error"}
ZOHO_TOO_MANY = {
    "code": "TOO_MANY_REQUESTS",
    "details": {},
    "message": "too many requests",
    "status": "error",
}
# Used-up credits and too many concurrent calls share the code (status-codes page); the header tells them
# apart (`zoho.client.CREDITS_HEADER`).
ZOHO_CREDITS = {
    "code": "TOO_MANY_REQUESTS",
    "details": {},
    "message": "Number of API requests for the 24 hour period is exceeded",
    "status": "error",
}
ZOHO_AUTHENTICATION_FAILURE = {
    "code": "AUTHENTICATION_FAILURE",
    "details": {},
    "message": "Authentication failed",
    "status": "error",
}
ZOHO_SCOPE_MISMATCH = {
    "code": "OAUTH_SCOPE_MISMATCH",
    "message": "The access token you have used to make this API call does not have the required scope.",
    "status": "error",
    "details": {},
}
ZOHO_NO_PERMISSION = {
    "code": "NO_PERMISSION",
    "message": "Permission denied to read records",
    "status": "error",
    "details": {},
}
ZOHO_LIMIT_EXCEEDED = {  # a 400: too many ids in one call, not used-up credits
    "code": "LIMIT_EXCEEDED",
    "details": {"limit": "100", "param_name": "ids"},
    "message": "Limit Exceeded, You cannot give more than 100 record ids",
    "status": "error",
}


def zoho_deal(n: int, *, owner: str = "5725767000000411001", amount: float = 1250.5) -> dict[str, Any]:
    return {
        "id": str(5725767000001000000 + n),
        "Owner": {"id": owner},
        "Amount": amount,
        "Closing_Date": "2026-11-24",
        "Stage": "Closed Won",
        "Modified_Time": f"2026-11-24T1{n % 10}:05:00+05:30",
    }


def coql_page(records: list[dict[str, Any]], *, more: bool) -> dict[str, Any]:
    return {"data": records, "info": {"count": len(records), "more_records": more}}


FX_TOKEN = {
    "errorCode": 0,
    "errorMessage": "success",
    "corpAccessToken": "D7A1B3C5E7F9A1B3C5E7F9A1B3C5E7F9",
    "corpId": "FSCID_4B5C6D7E8F",
    "expiresIn": 7200,
}
FX_TOKEN_EXPIRED = {
    "errorCode": 20016,
    "errorMessage": "corpAccessToken expired",
    "errorDescription": "token expired",
}
FX_OFFSET_OUT_OF_RANGE = {
    "errorDescription": "offset cannot exceed 10000",
    "errorMessage": "offset out of range 10000",
    "errorCode": 10013,
}


def fx_account(n: int) -> dict[str, Any]:
    return {
        "_id": f"{n:024x}",
        "owner": ["FSUID_DA4F6DE5640038B7DDB27908CC4ED1A8"],
        "create_time": 1796169599000 - n * 1000,
        "last_modified_time": 1796169599000,
    }


def fx_page(records: list[dict[str, Any]], *, offset: int = 0, limit: int = 100) -> dict[str, Any]:
    return {
        "traceId": "E-O.74164.1063-61c99d4033ca46c5",
        "data": {"dataList": records, "offset": offset, "limit": limit, "total": 0},
        "errorDescription": "success",
        "errorMessage": "OK",
        "errorCode": 0,
    }
