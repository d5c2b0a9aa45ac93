using System.Threading.Channels;
using Bard.Inference;
using Bard.Model;
using Bard.Text;

namespace Bard.Serving;

/// <summary>
/// Runs chat requests on one <see cref="CausalLM"/>, batching the requests that arrive together: a background loop
/// takes the first queued request, waits <see cref="ServeOptions.BatchWindow"/> for others, and generates every
/// request with the same sampling settings (temperature, top-p, seed) in one <see cref="TokenGenerator"/> batch of at
/// most <see cref="ServeOptions.MaxBatchRows"/> rows (a request with n choices takes n rows). Each row keeps its own
/// max_tokens, stop strings, budget forcing and cancellation (a client that disconnects frees its row). Batches run one
/// after another (no continuous batching): a request that arrives during a batch waits for the next. Knows nothing
/// about HTTP; <see cref="ChatServer"/> puts it behind OpenAI's API.
/// </summary>
public sealed class ChatBatcher : IAsyncDisposable
{
    readonly CausalLM model;
    readonly ITokenizer tokenizer;
    readonly ChatTemplate template;
    readonly TokenizerConfig? config;
    readonly ServeOptions options;
    readonly BudgetPromptFormat format;
    readonly TokenGenerator generator;
    readonly Channel<ChatJob> queue;
    readonly CancellationTokenSource stopping = new();
    readonly Task loop;
    readonly int[] stopIds;
    readonly int? openId, closeId, newlineId;
    readonly Random seeds;
    readonly TimeProvider time;
    long batches, rows, maxRows, tokens;
    volatile bool inWindow;

    /// <param name="model">The model; used by the batcher's loop only.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="template">Its chat template.</param>
    /// <param name="config">Its tokenizer config (special tokens for the template, the end-of-sequence token).</param>
    /// <param name="options">Limits and batching settings.</param>
    /// <param name="format">The budget prompt; default <see cref="BudgetPromptFormat.Default"/>.</param>
    /// <param name="seed">Seed of the seeds drawn for batches whose requests give none.</param>
    /// <param name="time">The clock of the batch window; default <see cref="TimeProvider.System"/> (tests pass a fake one).</param>
    public ChatBatcher(CausalLM model, ITokenizer tokenizer, ChatTemplate template, TokenizerConfig? config, ServeOptions options,
        BudgetPromptFormat? format = null, int seed = 0, TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
        (this.model, this.tokenizer, this.template, this.config) = (model, tokenizer, template, config);
        this.options = options.Validate();
        this.format = (format ?? BudgetPromptFormat.Default).Validate();
        generator = new TokenGenerator(model);
        var stops = new HashSet<int>(model.Config.EosTokenIds);
        foreach (var t in new[] { config?.EosToken, ChatML.ImEnd })
            if (t is not null && tokenizer.TokenToId(t) is int id) stops.Add(id);
        stopIds = [.. stops];
        openId = SingleToken(this.format.ThinkOpen);
        closeId = SingleToken(this.format.ThinkClose);
        newlineId = BudgetPromptFormat.LayoutNewlineId(tokenizer);
        seeds = new Random(seed);
        queue = Channel.CreateBounded<ChatJob>(new BoundedChannelOptions(options.MaxQueuedRequests) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        loop = Task.Factory.StartNew(() => RunAsync(stopping.Token), TaskCreationOptions.LongRunning).Unwrap();
    }

    /// <summary>The model's context length in tokens (prompt plus completion).</summary>
    public int ContextLength => model.Config.MaxPositionEmbeddings;

    /// <summary>Batches generated so far, rows over all of them, the most rows seen in one, and the tokens generated for the rows.</summary>
    public (long Batches, long Rows, long MaxRows, long Tokens) Statistics =>
        (Interlocked.Read(ref batches), Interlocked.Read(ref rows), Interlocked.Read(ref maxRows), Interlocked.Read(ref tokens));

    /// <summary>Requests waiting in the queue (not counting one the loop has taken and holds in its batch window).</summary>
    public int QueuedRequests => queue.Reader.Count;

    /// <summary>Whether the loop holds a request and waits out <see cref="ServeOptions.BatchWindow"/> for others to join it.</summary>
    public bool InBatchWindow => inWindow;

    /// <summary>
    /// Instrumentation hook, called on the batcher's thread after each decoding step with the step number (1, 2, …) and
    /// the cancellation token of each row's request; a long-running hook holds up the batch. Tests use it to make
    /// generation wait for an event (a client's disconnect) instead of racing it.
    /// </summary>
    public Action<int, IReadOnlyList<CancellationToken>>? AfterStep { get; set; }

    /// <summary>
    /// Where a failed batch's whole exception (message and stack trace) is reported, one call each; its clients get a 500
    /// that says only "internal error; see the server console". Default: the process's standard error.
    /// </summary>
    public Action<string>? Log { get; set; }

    /// <summary>Renders and tokenises a request and checks it against the model; throws <see cref="ApiErrorException"/> (400) naming the field.</summary>
    public PreparedPrompt Prepare(ChatCompletionRequest request)
    {
        int maxBudget = options.MaxThinkingBudget ?? ContextLength;
        if (request.ThinkingBudget is int b && b > maxBudget)
            throw new ApiErrorException(ApiError.BadRequest($"'thinking_budget' {b} is more than this server allows ({maxBudget} tokens); ask for at most {maxBudget}.", "thinking_budget"));
        if (request.N > options.MaxChoices)
            throw new ApiErrorException(ApiError.BadRequest($"'n' {request.N} is more than this server allows ({options.MaxChoices}).", "n"));
        if (request.N > options.MaxBatchRows) // the n choices of a request are generated in one batch
            throw new ApiErrorException(ApiError.BadRequest($"'n' {request.N} is more than this server generates at once ({options.MaxBatchRows} rows, bard serve --max-batch).", "n"));
        if (request.Enforcement == BudgetEnforcement.Force && (openId is null || closeId is null))
            throw new ApiErrorException(ApiError.BadRequest($"forcing the thinking budget (budget_enforcement \"force\", or a hard-cap field such as thinking_token_budget) needs {format.ThinkOpen} and {format.ThinkClose} to be single tokens, and this model's tokenizer lacks them; state the budget in the prompt instead (thinking_budget with budget_enforcement \"prompt\").", "budget_enforcement"));
        var messages = request.ThinkingBudget is int budget ? format.WithBudget(request.Messages, budget) : request.Messages;
        string prompt;
        try { prompt = template.Render(messages, new ChatRenderOptions { AddGenerationPrompt = true, EnableThinking = request.EnableThinking }, config); }
        catch (BardException e) { throw new ApiErrorException(ApiError.BadRequest($"the chat template could not render 'messages': {e.Message}", "messages")); }
        var ids = tokenizer.Encode(prompt);
        if (ids.Length == 0) throw new ApiErrorException(ApiError.BadRequest("'messages' render to an empty prompt.", "messages"));
        int room = ContextLength - ids.Length;
        int maxTokens = request.MaxTokens ?? Math.Min(options.DefaultMaxTokens, room);
        if (room < 1 || maxTokens > room)
            throw new ApiErrorException(ApiError.BadRequest(
                $"this model's context is {ContextLength} tokens; the prompt has {ids.Length} and max_tokens asks for {maxTokens} more. Shorten the messages or lower max_tokens.",
                "messages", "context_length_exceeded"));
        string tail = prompt.TrimEnd();
        var start = tail.EndsWith(format.ThinkOpen, StringComparison.Ordinal) ? ReasoningStart.InsideThinking
            : tail.EndsWith(format.ThinkClose, StringComparison.Ordinal) ? ReasoningStart.AfterThinking : ReasoningStart.BeforeThinking;
        return new PreparedPrompt(ids, maxTokens, start);
    }

    /// <summary>
    /// Queues a prepared request. <paramref name="onDelta"/>, if given, receives the text of each choice as it is decided
    /// (on the batcher's thread: keep it short). Throws <see cref="ApiErrorException"/> (503) when the queue is full.
    /// </summary>
    public Task<ChatResult> Submit(ChatCompletionRequest request, PreparedPrompt prompt, Action<ChoiceDelta>? onDelta = null, CancellationToken cancel = default)
    {
        var job = new ChatJob(request, prompt, onDelta, cancel);
        if (!queue.Writer.TryWrite(job))
            throw new ApiErrorException(new ApiError(503, $"the server is busy ({options.MaxQueuedRequests} requests queued); retry shortly.", "overloaded_error", null, "server_overloaded"));
        // A request cancelled while it waits (its client left, or it timed out) is answered at once; the loop skips it.
        var registration = cancel.Register(() => job.Result.TrySetCanceled(cancel));
        _ = job.Result.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        return job.Result.Task;
    }

    async Task RunAsync(CancellationToken stop)
    {
        ChatJob? carry = null;
        try
        {
            while (true)
            {
                var first = carry ?? await queue.Reader.ReadAsync(stop);
                carry = null;
                if (options.BatchWindow > TimeSpan.Zero)
                {
                    inWindow = true;
                    try { await Task.Delay(options.BatchWindow, time, stop); }
                    finally { inWindow = false; }
                }
                var jobs = new List<ChatJob> { first };
                int count = first.Request.N;
                while (count < options.MaxBatchRows && queue.Reader.TryRead(out var next))
                {
                    if (count + next.Request.N > options.MaxBatchRows) { carry = next; break; }
                    jobs.Add(next);
                    count += next.Request.N;
                }
                // Greedy decoding ignores the seed, so greedy requests all share one group.
                foreach (var group in jobs.GroupBy(j => j.Request.Temperature == 0 ? (0.0, 1.0, (long?)null) : (j.Request.Temperature, j.Request.TopP, j.Request.Seed)))
                    RunBatch(group.ToList(), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        catch (ChannelClosedException) { }
        finally
        {
            var shutdown = new ApiError(503, "the server is shutting down.", "overloaded_error", null, "server_shutting_down");
            carry?.Result.TrySetException(new ApiErrorException(shutdown));
            while (queue.Reader.TryRead(out var left)) left.Result.TrySetException(new ApiErrorException(shutdown));
        }
    }

    void RunBatch(List<ChatJob> jobs, CancellationToken stop)
    {
        var live = jobs.Where(j => !j.Cancel.IsCancellationRequested).ToList();
        foreach (var j in jobs.Except(live)) j.Result.TrySetCanceled(j.Cancel);
        if (live.Count == 0) return;
        var batch = live.SelectMany(j => Enumerable.Range(0, j.Request.N).Select(i => new ChatRow(j, i, tokenizer, format, stopIds,
            Forcing(j))))
            .ToList();
        var r = live[0].Request;
        var gen = new GenerationOptions
        {
            MaxNewTokens = batch.Max(x => x.MaxTokens),
            Temperature = r.Temperature,
            TopP = r.TopP,
            Seed = r.Seed ?? seeds.NextInt64(),
            StopTokenIds = stopIds,
            PadTokenId = model.Config.PadTokenId ?? 0,
        };
        Interlocked.Increment(ref batches);
        Interlocked.Add(ref rows, batch.Count);
        long seen;
        while ((seen = Interlocked.Read(ref maxRows)) < batch.Count && Interlocked.CompareExchange(ref maxRows, batch.Count, seen) != seen) { }
        try
        {
            var hook = AfterStep;
            var rowTokens = hook is null ? null : batch.Select(x => x.Job.Cancel).ToList();
            int decoded = 0;
            var completions = generator.Generate(batch.Select(x => x.Job.Prompt.Ids).ToList(), gen, stop,
                onStep: ids =>
                {
                    for (int b = 0; b < ids.Length; b++) if (ids[b] >= 0) batch[b].Accept(ids[b]);
                    hook?.Invoke(++decoded, rowTokens!);
                },
                control: new RowControl(batch, openId));
            for (int b = 0; b < batch.Count; b++) batch[b].Finish();
            Interlocked.Add(ref tokens, batch.Sum(x => x.Choice!.CompletionTokens));
            foreach (var j in live)
            {
                var mine = batch.Where(x => x.Job == j).Select(x => x.Choice!).ToList();
                var usage = new ChatUsage(j.Prompt.Ids.Count, mine.Sum(c => c.CompletionTokens), mine.Sum(c => c.ReasoningTokens));
                if (j.Cancel.IsCancellationRequested) j.Result.TrySetCanceled(j.Cancel);
                else j.Result.TrySetResult(new ChatResult(mine, usage));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            foreach (var j in live) j.Result.TrySetException(new ApiErrorException(new ApiError(503, "the server is shutting down.", "overloaded_error", null, "server_shutting_down")));
            throw;
        }
        catch (Exception e)
        {
            // One failed batch fails its requests, never the server. The clients get no internals (native TorchSharp
            // messages carry stack traces and install paths); the operator's console gets the whole exception.
            var log = Log ?? (line => Console.Error.WriteLine(line));
            log($"bard serve: generation failed for a batch of {batch.Count} rows ({live.Count} requests): {e}");
            foreach (var j in live)
                j.Result.TrySetException(new ApiErrorException(new ApiError(500, $"generation failed ({e.GetType().Name}): internal error; see the server console. "
                    + "Retrying the same request will likely fail the same way.", "server_error")));
        }
    }

    int? SingleToken(string text) => tokenizer.TokenToId(text) is int id && tokenizer.CountTokens(text) == 1 ? id : null;

    /// <summary>Stops the loop; queued requests get 503.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        stopping.Cancel();
        try { await loop; } catch (OperationCanceledException) { }
        stopping.Dispose();
    }

    /// <summary>
    /// The budget forcing of a job's rows: its forced budget; or, with thinking switched off and a template that still opens
    /// a thinking block (no switch of its own), a budget of 0 — the thinking is closed at once. Null otherwise.
    /// </summary>
    BudgetForcing? Forcing(ChatJob j)
    {
        bool inside = j.Prompt.Start == ReasoningStart.InsideThinking;
        if (j.Request.Enforcement == BudgetEnforcement.Force)
            return new BudgetForcing(openId!.Value, closeId!.Value, [j.Request.ThinkingBudget!.Value], int.MaxValue / 2, inside, newlineId);
        if (j.Request.EnableThinking == false && j.Prompt.Start != ReasoningStart.AfterThinking && openId is int open && closeId is int close)
            return new BudgetForcing(open, close, [0], int.MaxValue / 2, inside, newlineId);
        return null;
    }

    /// <summary>
    /// Ends rows at their own max_tokens, stop strings, cancellation, and applies each row's budget forcing.
    /// Under "force" a row whose prompt did not open the thinking block starts with the opening delimiter (forced when the
    /// model does not write it), so that the budget is a bound on real thinking, as in s1's budget forcing.
    /// </summary>
    sealed class RowControl(IReadOnlyList<ChatRow> batch, int? openId) : IGenerationControl
    {
        public (int Token, bool Stop) Next(int row, IReadOnlyList<int> generated, int sampled)
        {
            var r = batch[row];
            if (r.Finished || r.Job.Cancel.IsCancellationRequested) return (sampled, true);
            if (r.Forcing is not null && generated.Count == 0 && r.Job.Prompt.Start == ReasoningStart.BeforeThinking && openId is int open)
                sampled = open;
            var (token, end) = r.Forcing is { } f ? f.Next(0, generated, sampled) : (sampled, false);
            return (token, end || generated.Count + 1 >= r.MaxTokens);
        }
    }
}
