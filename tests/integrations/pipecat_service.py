"""Pipecat's OpenAI service on an httpx client, so that respx can stand in for the API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.agent.test_openai_llm import BASE


def offline_openai_service(system_instruction: str | None = None) -> Any:
    from openai import AsyncOpenAI
    from pipecat.services.openai.llm import OpenAILLMService

    class OfflineOpenAI(OpenAILLMService):
        # The SDK's default HTTP client is not the httpx that respx intercepts.
        def create_client(self, api_key: Any = None, base_url: Any = None, **_: Any) -> Any:
            return AsyncOpenAI(api_key=api_key, base_url=base_url, http_client=httpx.AsyncClient())

    settings = OfflineOpenAI.Settings(system_instruction=system_instruction)
    return OfflineOpenAI(api_key="sk-test", base_url=BASE, settings=settings)
