"""BARD's reward for verl: a custom reward function that asks `bard reward-serve` for the score.

verl config:
    custom_reward_function.path=integrations/verl/bard_reward.py
    custom_reward_function.name=compute_score

The dataset rows come from `bard data build --export rl` (converted to parquet): `reward_model.ground_truth` is the gold
answer and `extra_info.budget` the thinking budget the prompt states. verl passes the decoded response only; the budget
travels in the request's "budgets" array, so the prompt is not needed here.

Environment:
    BARD_REWARD_URL      the server's reward URL (default http://127.0.0.1:5000/get_reward)
    BARD_REWARD_API_KEY  sent as "Authorization: Bearer KEY" when set (bard reward-serve --api-key-env)
    BARD_REWARD_TIMEOUT  seconds per request (default 60)

Standard library only. Returns a dict: verl's reward managers take "score" as the reward and log the other keys.
"""

import json
import os
import urllib.error
import urllib.request


def _post(payload):
    url = os.environ.get("BARD_REWARD_URL", "http://127.0.0.1:5000/get_reward")
    headers = {"Content-Type": "application/json"}
    key = os.environ.get("BARD_REWARD_API_KEY")
    if key:
        headers["Authorization"] = "Bearer " + key
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), headers=headers, method="POST")
    timeout = float(os.environ.get("BARD_REWARD_TIMEOUT", "60"))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        body = e.read().decode("utf-8", "replace")
        try:
            message = json.loads(body)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = body
        raise RuntimeError(f"bard reward-serve at {url} answered {e.code}: {message}") from None
    except urllib.error.URLError as e:
        raise RuntimeError(f"bard reward-serve at {url} is not reachable ({e.reason}); start it with "
                           "'bard reward-serve --tokenizer STUDENT_DIR' or set BARD_REWARD_URL.") from None


def compute_scores(solution_strs, ground_truths, budgets):
    """Scores a batch in one request; returns one dict per sample."""
    if not (len(solution_strs) == len(ground_truths) == len(budgets)):
        raise ValueError("compute_scores: one ground truth and one budget per solution")
    reply = _post({
        "query": list(solution_strs),
        "prompts": [""] * len(solution_strs),
        "labels": [str(g) for g in ground_truths],
        "budgets": [int(b) for b in budgets],
    })
    logs = reply.get("extra_logs", {})
    return [
        {
            "score": float(reply["rewards"][i]),
            "correctness": float(logs["correctness"][i]),
            "fidelity": float(logs["fidelity"][i]),
            "thinking_tokens": float(logs["thinking_tokens"][i]),
            "budget": float(logs["budget"][i]),
        }
        for i in range(len(solution_strs))
    ]


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    """verl's per-sample reward function signature."""
    if not extra_info or "budget" not in extra_info:
        raise ValueError("bard_reward: extra_info has no 'budget'; build the dataset with 'bard data build --export rl'.")
    return compute_scores([solution_str], [ground_truth], [extra_info["budget"]])[0]
