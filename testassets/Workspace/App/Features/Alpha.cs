namespace App.Features;

public sealed class Alpha;
