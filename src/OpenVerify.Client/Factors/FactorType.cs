namespace OpenVerify.Client;

/// <summary>Factor types the client enrols. Push is the only one the device SDK knows.</summary>
public enum FactorType
{
    /// <summary>A push factor: a P-256 key on the device.</summary>
    Push,
}
