"""Projects and tasks the browser tests label: one project per task type."""

from __future__ import annotations

PASSWORD = "web-test-password"

PROJECTS = [
    {
        "name": "feedback",
        "type": "categorization",
        "params": {"categories": ["Defect", "Shipping", "Praise"]},
        "instruction": "Pick the **team** that must act. <script>alert(1)</script>",
        "tasks": [{"attachment": "The lid broke after two days."}],
    },
    {
        "name": "preferences",
        "type": "comparison",
        "params": {
            "rating_dimensions": [{"name": "helpfulness", "min": 1, "max": 5}],
            "require_justification": True,
        },
        "instruction": "Prefer the more **accurate** response.",
        "tasks": [
            {
                "prompt": "How far is the Moon?",
                "candidates": [
                    {"id": "a", "content": "About **384,000 km** on average."},
                    {"id": "b", "content": "<img src=x onerror=alert(1)> Very far."},
                ],
            }
        ],
    },
    {
        "name": "rubric",
        "type": "textcollection",
        "params": {
            "fields": [
                {
                    "type": "number",
                    "field_id": "score",
                    "title": "Score (1-5)",
                    "min": 1,
                    "max": 5,
                    "integer": True,
                },
                {"type": "boolean", "field_id": "harmful", "title": "Harmful"},
                {
                    "type": "category",
                    "field_id": "issues",
                    "title": "Issues",
                    "choices": [
                        {"label": "None", "value": "none"},
                        {"label": "Incomplete", "value": "incomplete"},
                    ],
                },
                {"type": "text", "field_id": "note", "title": "Note"},
            ]
        },
        "instruction": "Score the response.",
        "tasks": [{"attachments": [{"type": "text", "content": "**Response**: Paris."}]}],
    },
    {
        "name": "entities",
        "type": "namedentityrecognition",
        "params": {"labels": [{"name": "PER"}, {"name": "ORG"}, {"name": "LOC"}]},
        "instruction": "Mark people, organisations and places.",
        "tasks": [
            {
                "text": "Ada Lovelace met Babbage in London.",
                "hypothesis": {"annotations": [{"start": 28, "end": 34, "label": "LOC"}]},
            }
        ],
    },
    {
        "name": "voice",
        "type": "audiotranscription",
        "params": {"language": "en"},
        "instruction": "Type what is said.",
        "tasks": [{"attachment": "/demo-media/clip-01.wav", "duration": 2.12}],
    },
    {
        "name": "street",
        "type": "imageannotation",
        "params": {
            "geometries": {
                "box": {"objects_to_annotate": ["car", "person"]},
                "point": {"objects_to_annotate": ["light"]},
            },
            "annotation_attributes": {"occluded": {"choices": ["no", "yes"]}},
        },
        "instruction": "Box every car and person; a point on each light.",
        "tasks": [{"attachment": "/demo-media/street-01.png"}],
    },
]
