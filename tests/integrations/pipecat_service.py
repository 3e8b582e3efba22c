"""Pipecat's OpenAI service on an httpx client, so that respx can stand in for the API."""

from __future__ import annotations

from typing import Any

from tests.agent.conftest import MODEL_API as BASE
from tests.openai_http import openai_http


def offline_openai_service(system_instruction: str | None = None) -> Any:
    from openai import AsyncOpenAI
    from pipecat.services.openai.llm import OpenAILLMService

    class OfflineOpenAI(OpenAILLMService):
        # The SDK's default HTTP client is not the httpx that respx intercepts.
        def create_client(
            self,
            api_key: Any = None,
            base_url: Any = None,
            organization: Any = None,
            project: Any = None,
            default_headers: Any = None,
            **kwargs: Any,
        ) -> Any:
            return AsyncOpenAI(api_key=api_key, base_url=base_url, http_client=openai_http())

    settings = OfflineOpenAI.Settings(system_instruction=system_instruction)
    return OfflineOpenAI(api_key="sk-test", base_url=BASE, settings=settings)
