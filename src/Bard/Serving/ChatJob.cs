namespace Bard.Serving;

/// <summary>A queued request of <see cref="ChatBatcher"/>: what to generate, where its text goes, and its outcome.</summary>
internal sealed class ChatJob(ChatCompletionRequest request, PreparedPrompt prompt, Action<ChoiceDelta>? onDelta, CancellationToken cancel)
{
    public ChatCompletionRequest Request { get; } = request;
    public PreparedPrompt Prompt { get; } = prompt;
    public Action<ChoiceDelta>? OnDelta { get; } = onDelta;
    public CancellationToken Cancel { get; } = cancel;
    public TaskCompletionSource<ChatResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
