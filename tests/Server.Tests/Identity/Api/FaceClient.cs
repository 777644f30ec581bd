using System.Net;
using System.Text;
using Atom.Google.Rpc;
using Atom.Sdk;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Atom.Server.Tests.Identity.Api;

/// <summary>
/// A client of the identity API through one face (gRPC, gRPC-Web or REST), sending one <c>authorization</c>
/// header, exactly as given. Whatever the face, a failed call throws a <see cref="FaceCallException"/> with the
/// same parts (code, message, google.rpc details), so one assertion reads all three.
/// </summary>
public sealed class FaceClient : IDisposable
{
    private readonly Face _face;
    private readonly string? _authorization;
    private readonly AtomChannel? _channel;
    private readonly HttpClient? _http;

    private FaceClient(IdentityApiServer server, Face face, string? authorization)
    {
        _face = face;
        _authorization = authorization;
        if (face == Face.Rest)
        {
            _http = new HttpClient { BaseAddress = server.Test.HttpAddress };
        }
        else
        {
            // No channel credentials: the header goes on each call as given, so tests can send malformed ones too.
            _channel = server.Channel(null, face);
        }
    }

    /// <summary>Gets the face.</summary>
    public Face Face => _face;

    /// <summary>A client sending <c>authorization: Bearer <paramref name="token"/></c> (an access token or an API key).</summary>
    public static FaceClient Bearer(IdentityApiServer server, Face face, string token) => new(server, face, "Bearer " + token);

    /// <summary>A client sending <paramref name="authorization"/> as the whole header, or no header when null.</summary>
    public static FaceClient WithAuthorization(IdentityApiServer server, Face face, string? authorization) => new(server, face, authorization);

    /// <summary>Makes the call; a failure throws <see cref="FaceCallException"/>.</summary>
    public async Task<TResponse> CallAsync<TRequest, TResponse>(IdentityCall<TRequest, TResponse> call)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(call);
        if (_http is not null)
        {
            return await RestAsync(call);
        }

        var headers = new Metadata();
        if (_authorization is not null)
        {
            headers.Add("authorization", _authorization);
        }

        try
        {
            return await _channel!.Unary(call.Method, call.Request, new CallOptions { Headers = headers, AllowRetries = false });
        }
        catch (RpcException e)
        {
            var status = e.GetRpcStatus() ?? new Atom.Google.Rpc.Status { Code = (int)e.StatusCode, Message = e.Status.Detail };
            throw new FaceCallException(_face, call.ToString(), e.StatusCode, e.Status.Detail, status, httpStatus: null);
        }
    }

    /// <summary>Sends a REST request as given (for paths no typed call would make); a failure throws <see cref="FaceCallException"/>.</summary>
    /// <returns>The JSON body of a successful response.</returns>
    public async Task<string> SendRestAsync(HttpMethod verb, string pathAndQuery, string? body = null)
    {
        if (_http is null)
        {
            throw new InvalidOperationException("Not a REST client.");
        }

        using var request = new HttpRequestMessage(verb, pathAndQuery);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (_authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", _authorization);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode)
        {
            return text;
        }

        Atom.Google.Rpc.Status status;
        try
        {
            status = Json.Parse<Atom.Google.Rpc.Status>(text);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            throw new InvalidOperationException($"{verb} {pathAndQuery}: HTTP {(int)response.StatusCode} with a body that is not a google.rpc.Status: {text}", e);
        }

        throw new FaceCallException(_face, $"{verb} {pathAndQuery}", (StatusCode)status.Code, status.Message, status, response.StatusCode);
    }

    /// <inheritdoc />
    public void Dispose() => _http?.Dispose();

    private async Task<TResponse> RestAsync<TRequest, TResponse>(IdentityCall<TRequest, TResponse> call)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        try
        {
            return Json.Parse<TResponse>(await SendRestAsync(call.Verb, call.Path, call.Body));
        }
        catch (FaceCallException failure)
        {
            // Named by the RPC, like the other faces; the route is in the message.
            throw new FaceCallException(_face, $"{call} ({failure.Call})", failure.StatusCode, failure.Detail, failure.Status, failure.HttpStatus);
        }
    }

    internal static readonly TypeRegistry ErrorDetailTypes = TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor, StatusReflection.Descriptor);

    internal static readonly JsonParser Json = new(JsonParser.Settings.Default.WithTypeRegistry(ErrorDetailTypes).WithIgnoreUnknownFields(false));

    internal static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithTypeRegistry(ErrorDetailTypes));
}

/// <summary>A call that failed, as any face reports it: the gRPC code, the message and the google.rpc.Status with its details.</summary>
public sealed class FaceCallException : Exception
{
    public FaceCallException(Face face, string call, StatusCode code, string detail, Atom.Google.Rpc.Status status, HttpStatusCode? httpStatus)
        : base($"{call} over {face}: {code} {detail}")
    {
        Face = face;
        Call = call;
        StatusCode = code;
        Detail = detail;
        Status = status;
        HttpStatus = httpStatus;
    }

    public FaceCallException()
    {
        Call = Detail = string.Empty;
        Status = new();
    }

    public FaceCallException(string message)
        : base(message)
    {
        Call = Detail = string.Empty;
        Status = new();
    }

    public FaceCallException(string message, Exception innerException)
        : base(message, innerException)
    {
        Call = Detail = string.Empty;
        Status = new();
    }

    public Face Face { get; }

    /// <summary>Gets the RPC (and for REST the route) that failed.</summary>
    public string Call { get; }

    public StatusCode StatusCode { get; }

    /// <summary>Gets the message for people.</summary>
    public string Detail { get; }

    /// <summary>Gets the google.rpc.Status: from grpc-status-details-bin, or the REST body.</summary>
    public Atom.Google.Rpc.Status Status { get; }

    /// <summary>Gets the HTTP status, for REST.</summary>
    public HttpStatusCode? HttpStatus { get; }

    /// <summary>Gets the ErrorInfo reason, e.g. <c>NOT_FOUND</c>, or null when there is no ErrorInfo.</summary>
    public string? Reason => Find<ErrorInfo>()?.Reason;

    /// <summary>Gets the fields the BadRequest detail names.</summary>
    public IReadOnlyList<string> Fields => Find<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];

    /// <summary>Gets everything the caller is told, as text: code, HTTP status, message and every detail.</summary>
    public string Everything => $"{StatusCode} {(int?)HttpStatus} {FaceClient.Formatter.Format(Status)}";

    /// <summary>Gets the first detail of a type, or null.</summary>
    public T? Find<T>()
        where T : class, IMessage<T>, new()
    {
        var descriptor = new T().Descriptor;
        return Status.Details.FirstOrDefault(d => d.Is(descriptor))?.Unpack<T>();
    }
}

/// <summary>Lets a raw REST call go through the same refusal assertions as typed calls.</summary>
internal static class RawRestExtensions
{
    public static async Task<global::Google.Protobuf.WellKnownTypes.Struct> AsMessage(this Task<string> call) =>
        global::Google.Protobuf.WellKnownTypes.Struct.Parser.ParseJson(await call);
}
